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
 * The video's current picture for the live pipeline, with the time it was taken: JPEG at 640 px
 * and quality 0.9 (30–50 kB). Raw RGB (921 kB) spent 140 ms a frame in Chromium's socket on this
 * machine against 8 for the JPEG's encode and trip; at 0.9 the moiré a screen shows survives
 * (docs/front-desk.md).
 */
export async function grabLiveFrame(video: HTMLVideoElement): Promise<{ at: number; frame: { jpeg: Uint8Array } } | null> {
  const at = Date.now()
  const grabbed = await grabFrame(video, 640, 0.9)
  return grabbed && { at, frame: { jpeg: grabbed.jpeg } }
}
