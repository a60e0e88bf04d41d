/**
 * A desk in a process of its own, for the tests that kill one with SIGKILL: the real Store on a
 * data folder, using the shared gallery at `url`. One JSON argument says what to do; it reports
 * on stdout, one JSON line per event.
 *
 *   join   reach the server, mirror the gallery, close (the mirror is saved)
 *   make   queue check-ins for the people named `names`, `count` each, `gapMs` apart (the server is away)
 *   flush  send what is queued, reporting the queue as it shrinks, and exit once it is empty
 *
 *   node --import tsx test/support/deskProcess.ts '{"dataDir":…,"url":…,"mode":…}'
 */
import { randomUUID } from 'node:crypto'
import { Store } from '../../src/main/store'
import { keysOf } from './keys'

interface Order {
  dataDir: string
  url: string
  /** The gallery passphrase, for a desk joining for the first time. */
  galleryPassphrase?: string
  mode: 'join' | 'make' | 'flush'
  names?: string[]
  count?: number
  gapMs?: number
  /** The first check-in's time; each person's next one comes `spacingMs` later (more than the rule's interval). */
  firstAt?: number
  spacingMs?: number
  intervalMs?: number
}

const order = JSON.parse(process.argv[2]!) as Order
const say = (event: Record<string, unknown>): void => void process.stdout.write(JSON.stringify(event) + '\n')
const store = await Store.open(order.dataDir, keysOf(order.dataDir))
const desk = await store.openShared(order.url, { requireServer: order.mode === 'join', galleryPassphrase: order.galleryPassphrase })
await store.use(desk)

if (order.mode === 'join') {
  say({ joined: desk.online, people: store.gallery.people().length })
} else if (order.mode === 'make') {
  const people = order.names!.map((name) => store.gallery.personByName(name)!)
  for (let round = 0; round < order.count!; round++) {
    for (const person of people) {
      const checkIn = { id: randomUUID(), personId: person.id, personName: person.name, at: order.firstAt! + round * order.spacingMs!, distance: 0.2 }
      const logged = await store.checkIns.add(checkIn, { interval: order.intervalMs! })
      say({ made: checkIn.id, logged: logged !== null, queued: desk.currentStatus().queued })
      await new Promise((resolve) => setTimeout(resolve, order.gapMs))
    }
  }
} else {
  await new Promise<void>((resolve) => {
    const report = (): void => {
      const { queued, online } = desk.currentStatus()
      say({ queued, online })
      if (online && queued === 0) resolve()
    }
    desk.status.follow(report)
    report()
  })
}
await store.close()
say({ closed: true })
