/** Bytes from the main process shown as an image: the CSP allows blob: URLs, not data from elsewhere. */
export function imageUrl(bytes: Uint8Array, type = 'image/jpeg'): string {
  return URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type }))
}

/** Saves bytes or text as a file through the browser's download, in Electron and browser mode alike. */
export function download(content: Uint8Array | string, fileName: string, type: string): void {
  const url = URL.createObjectURL(new Blob([content as Uint8Array<ArrayBuffer> | string], { type }))
  const link = document.createElement('a')
  link.href = url
  link.download = fileName
  link.click()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}

export async function readFiles(files: FileList | readonly File[]): Promise<{ name: string; bytes: Uint8Array }[]> {
  return Promise.all([...files].map(async (file) => ({ name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) })))
}
