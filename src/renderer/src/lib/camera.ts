/** Cameras the browser will name; labels are empty until the user has allowed one. */
export async function listCameras(): Promise<MediaDeviceInfo[]> {
  const devices = await navigator.mediaDevices.enumerateDevices()
  return devices.filter((d) => d.kind === 'videoinput')
}

export function openCamera(deviceId: string | null): Promise<MediaStream> {
  return navigator.mediaDevices.getUserMedia({
    video: deviceId ? { deviceId: { exact: deviceId }, width: { ideal: 1280 } } : { width: { ideal: 1280 } },
    audio: false
  })
}

/**
 * The video's current picture as JPEG, no wider than `maxWidth`: the engine downscales anyway,
 * and a small frame crosses the process boundary and decodes in a fraction of the time.
 */
export async function grabFrame(video: HTMLVideoElement, maxWidth: number, quality = 0.85): Promise<{ jpeg: Uint8Array; width: number; height: number } | null> {
  if (video.readyState < 2 || video.videoWidth === 0) return null
  const scale = Math.min(1, maxWidth / video.videoWidth)
  const canvas = document.createElement('canvas')
  canvas.width = Math.round(video.videoWidth * scale)
  canvas.height = Math.round(video.videoHeight * scale)
  canvas.getContext('2d')!.drawImage(video, 0, 0, canvas.width, canvas.height)
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/jpeg', quality))
  if (!blob) return null
  return { jpeg: new Uint8Array(await blob.arrayBuffer()), width: canvas.width, height: canvas.height }
}

/**
 * The video's current picture as raw RGB, no wider than `maxWidth`: the front desk's frames cross
 * to the engine as bytes (no JPEG to encode here and decode there), 921 kB at 640×480.
 */
export function grabRgb(video: HTMLVideoElement, maxWidth: number): { width: number; height: number; rgb: Uint8Array } | null {
  if (video.readyState < 2 || video.videoWidth === 0) return null
  const scale = Math.min(1, maxWidth / video.videoWidth)
  const width = Math.round(video.videoWidth * scale)
  const height = Math.round(video.videoHeight * scale)
  // One canvas for every frame: a fresh one each time costs an allocation and a new readback surface.
  if (rgbCanvas.width !== width || rgbCanvas.height !== height) {
    rgbCanvas.width = width
    rgbCanvas.height = height
  }
  const context = rgbCanvas.getContext('2d', { willReadFrequently: true })!
  context.drawImage(video, 0, 0, width, height)
  const rgba = context.getImageData(0, 0, width, height).data
  const rgb = new Uint8Array(width * height * 3)
  for (let i = 0, j = 0; i < rgba.length; i += 4, j += 3) {
    rgb[j] = rgba[i]!
    rgb[j + 1] = rgba[i + 1]!
    rgb[j + 2] = rgba[i + 2]!
  }
  return { width, height, rgb }
}

const rgbCanvas = document.createElement('canvas')
