import type { Component } from 'svelte'
import { m } from '../paraglide/messages'
import CheckIn from './CheckIn.svelte'
import Enroll from './Enroll.svelte'
import Verify from './Verify.svelte'
import Gallery from './Gallery.svelte'
import Attendance from './Attendance.svelte'
import Train from './Train.svelte'
import Studio from './Studio.svelte'
import Explorer from './Explorer.svelte'
import ConvLab from './ConvLab.svelte'
import Settings from './Settings.svelte'

/** The views in the order the navigation lists them; a label is a message, read in the current language. */
export const views = [
  { id: 'checkin', label: m.nav_checkin, component: CheckIn },
  { id: 'enroll', label: m.nav_enroll, component: Enroll },
  { id: 'verify', label: m.nav_verify, component: Verify },
  { id: 'gallery', label: m.nav_gallery, component: Gallery },
  { id: 'attendance', label: m.nav_attendance, component: Attendance },
  { id: 'train', label: m.nav_train, component: Train },
  { id: 'studio', label: m.nav_studio, component: Studio },
  { id: 'explorer', label: m.nav_explorer, component: Explorer },
  { id: 'convlab', label: m.nav_convlab, component: ConvLab },
  { id: 'settings', label: m.nav_settings, component: Settings }
] as const satisfies readonly { id: string; label: () => string; component: Component }[]

export type ViewId = (typeof views)[number]['id']

/** The views behind the admin PIN when kiosk mode is on. */
export const adminViews: ReadonlySet<ViewId> = new Set<ViewId>(['enroll', 'gallery', 'attendance', 'train', 'settings'])
