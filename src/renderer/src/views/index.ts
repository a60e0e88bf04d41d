import type { Component } from 'svelte'
import CheckIn from './CheckIn.svelte'
import Enroll from './Enroll.svelte'
import Verify from './Verify.svelte'
import Gallery from './Gallery.svelte'
import Train from './Train.svelte'
import Studio from './Studio.svelte'
import Explorer from './Explorer.svelte'
import ConvLab from './ConvLab.svelte'
import Settings from './Settings.svelte'

export const views = [
  { id: 'checkin', label: 'Check-in', component: CheckIn },
  { id: 'enroll', label: 'Enroll', component: Enroll },
  { id: 'verify', label: 'Verify', component: Verify },
  { id: 'gallery', label: 'Gallery', component: Gallery },
  { id: 'train', label: 'Training lab', component: Train },
  { id: 'studio', label: 'Style studio', component: Studio },
  { id: 'explorer', label: 'Layer explorer', component: Explorer },
  { id: 'convlab', label: 'Conv lab', component: ConvLab },
  { id: 'settings', label: 'Settings', component: Settings }
] as const satisfies readonly { id: string; label: string; component: Component }[]

export type ViewId = (typeof views)[number]['id']

/** The views behind the admin PIN when kiosk mode is on. */
export const adminViews: ReadonlySet<ViewId> = new Set<ViewId>(['enroll', 'gallery', 'train', 'settings'])
