import type { CheckIn } from '../../../shared/api/checkin'

/**
 * Attendance from the check-in log: per local day and person, the first check-in (when they
 * came in) and the last (the latest the desk saw them: the log holds one check-in per person
 * per interval, so a person who stays in view is seen again each interval).
 */
export interface Presence {
  /** Local midnight of the day, ms. */
  day: number
  personId: string
  personName: string
  firstIn: number
  lastSeen: number
  checkIns: number
}

export const periods = ['day', 'week', 'month'] as const
export type Period = (typeof periods)[number]

const midnight = (at: number): number => {
  const date = new Date(at)
  date.setHours(0, 0, 0, 0)
  return date.getTime()
}

/** The local period holding the day `yyyy-mm-dd` (as <input type="date"> gives it): weeks from Monday (ISO 8601). */
export function periodBounds(period: Period, day: string): { from: number; to: number } {
  const [year, month, date] = day.split('-').map(Number) as [number, number, number]
  switch (period) {
    case 'day':
      return { from: new Date(year, month - 1, date).getTime(), to: new Date(year, month - 1, date + 1).getTime() }
    case 'week': {
      const monday = date - ((new Date(year, month - 1, date).getDay() + 6) % 7)
      return { from: new Date(year, month - 1, monday).getTime(), to: new Date(year, month - 1, monday + 7).getTime() }
    }
    case 'month':
      return { from: new Date(year, month - 1, 1).getTime(), to: new Date(year, month, 1).getTime() }
  }
}

/** The same period one step earlier (-1) or later (+1), as the day that anchors it. */
export function shiftPeriod(period: Period, day: string, by: -1 | 1): string {
  const [year, month, date] = day.split('-').map(Number) as [number, number, number]
  const next = period === 'month' ? new Date(year, month - 1 + by, 1) : new Date(year, month - 1, date + by * (period === 'week' ? 7 : 1))
  return `${next.getFullYear()}-${String(next.getMonth() + 1).padStart(2, '0')}-${String(next.getDate()).padStart(2, '0')}`
}

/** Presences by day, then by who came in first. */
export function presences(log: readonly CheckIn[]): Presence[] {
  const byKey = new Map<string, Presence>()
  for (const c of log) {
    const day = midnight(c.at)
    const key = `${day}|${c.personId}`
    const seen = byKey.get(key)
    if (!seen) byKey.set(key, { day, personId: c.personId, personName: c.personName, firstIn: c.at, lastSeen: c.at, checkIns: 1 })
    else {
      seen.firstIn = Math.min(seen.firstIn, c.at)
      seen.lastSeen = Math.max(seen.lastSeen, c.at)
      seen.checkIns++
    }
  }
  return [...byKey.values()].sort((a, b) => a.day - b.day || a.firstIn - b.firstIn)
}

/** How many people came in during each hour of the day (0–23, local time): one arrival per person per day. */
export function arrivalsPerHour(list: readonly Presence[]): number[] {
  const hours = new Array<number>(24).fill(0)
  for (const p of list) hours[new Date(p.firstIn).getHours()]!++
  return hours
}

/** A local time as ISO 8601 with its offset, 2025-06-03T09:12:05+08:00: unambiguous, and still the desk's clock. */
export function localIso(at: number): string {
  const date = new Date(at)
  const pad = (n: number): string => String(Math.abs(n)).padStart(2, '0')
  const offset = -date.getTimezoneOffset()
  const zone = `${offset >= 0 ? '+' : '-'}${pad(Math.trunc(offset / 60))}:${pad(offset % 60)}`
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}${zone}`
}
