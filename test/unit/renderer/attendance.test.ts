import { describe, expect, it } from 'vitest'
import type { CheckIn } from '../../../src/shared/api/checkin'
import { arrivalsPerHour, localIso, periodBounds, presences, shiftPeriod } from '../../../src/renderer/src/lib/attendance'

// Local times, as the desk's clock reads them: the machine's time zone, whatever it is.
const at = (day: number, hour: number, minute = 0): number => new Date(2025, 5, day, hour, minute).getTime()
const checkIn = (personId: string, time: number): CheckIn => ({ id: `${personId}-${time}`, personId, personName: personId.toUpperCase(), at: time, distance: 0.2, hasThumbnail: false, liveness: null })

describe('attendance from the check-in log', () => {
  const log = [checkIn('ada', at(3, 17, 5)), checkIn('bob', at(3, 8, 40)), checkIn('ada', at(3, 9, 10)), checkIn('ada', at(3, 12)), checkIn('ada', at(4, 8, 55))]

  it('gives each person a day their first check-in, their last, and how many', () => {
    expect(presences(log).map((p) => [new Date(p.day).getDate(), p.personName, p.firstIn, p.lastSeen, p.checkIns])).toEqual([
      [3, 'BOB', at(3, 8, 40), at(3, 8, 40), 1],
      [3, 'ADA', at(3, 9, 10), at(3, 17, 5), 3],
      [4, 'ADA', at(4, 8, 55), at(4, 8, 55), 1]
    ])
  })

  it('counts one arrival per person and day, in the hour of their first check-in', () => {
    const hours = arrivalsPerHour(presences(log))
    expect(hours).toHaveLength(24)
    expect(hours[8]).toBe(2)
    expect(hours[9]).toBe(1)
    expect(hours.reduce((a, b) => a + b)).toBe(3)
  })

  it('bounds a day, a week from Monday and a month in local time, and steps between them', () => {
    // 2025-06-04 is a Wednesday.
    expect(periodBounds('day', '2025-06-04')).toEqual({ from: new Date(2025, 5, 4).getTime(), to: new Date(2025, 5, 5).getTime() })
    expect(periodBounds('week', '2025-06-04')).toEqual({ from: new Date(2025, 5, 2).getTime(), to: new Date(2025, 5, 9).getTime() })
    expect(periodBounds('week', '2025-06-08')).toEqual({ from: new Date(2025, 5, 2).getTime(), to: new Date(2025, 5, 9).getTime() })
    expect(periodBounds('month', '2025-12-31')).toEqual({ from: new Date(2025, 11, 1).getTime(), to: new Date(2026, 0, 1).getTime() })
    expect(shiftPeriod('day', '2025-03-01', -1)).toBe('2025-02-28')
    expect(shiftPeriod('week', '2025-12-29', 1)).toBe('2026-01-05')
    expect(shiftPeriod('month', '2025-01-31', 1)).toBe('2025-02-01')
  })

  it('writes times as ISO 8601 on the local clock, with its offset', () => {
    const time = at(3, 9, 7)
    const written = localIso(time)
    expect(written).toMatch(/^2025-06-03T09:07:00[+-]\d\d:\d\d$/)
    expect(new Date(written).getTime()).toBe(time)
  })
})
