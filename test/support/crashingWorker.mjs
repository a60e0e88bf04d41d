// The real engine worker, which dies like a wasm abort would (the thread exits) when asked to warm
// up at the side 13: a way to drive the pool's crash-and-respawn path with a real thread. Imported
// first, so that its listener is in place before a message arrives.
import { parentPort } from 'node:worker_threads'
import '../../out/main/worker.js'

parentPort.on('message', (message) => {
  if (message.op === 'engine.warmup' && message.args.size === 13) process.exit(3)
})
