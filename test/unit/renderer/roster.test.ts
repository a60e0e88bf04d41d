import { describe, expect, it } from 'vitest'
import type { RosterEntry } from '../../../src/shared/api/face'
import { arrangeRoster } from '../../../src/renderer/src/lib/roster'

const person = (name: string, createdAt: number, templateCount: number, lastCheckIn: number | null): RosterEntry => ({ id: name, name, createdAt, templateCount, photoIds: [], lastCheckIn })
const roster = [person('张伟', 1, 2, 50), person('Ada Lovelace', 2, 1, null), person('李娜', 3, 5, 90), person('ada byron', 4, 1, 10), person('王芳', 5, 1, null)]
const names = (list: RosterEntry[]): string[] => list.map((p) => p.name)

describe('the Gallery list', () => {
  it('finds names holding the query, whatever its case or width', () => {
    expect(names(arrangeRoster(roster, 'ADA', 'name', 'en'))).toEqual(['ada byron', 'Ada Lovelace'])
    expect(names(arrangeRoster(roster, 'ａｄａ', 'name', 'en'))).toHaveLength(2)
    expect(names(arrangeRoster(roster, ' 李 ', 'name', 'zh-CN'))).toEqual(['李娜'])
    expect(arrangeRoster(roster, 'nobody', 'name', 'en')).toEqual([])
  })

  it('sorts Chinese names by pinyin in Chinese: Li, Wang, Zhang', () => {
    expect(names(arrangeRoster(roster, '', 'name', 'zh-CN')).filter((n) => /\p{Script=Han}/u.test(n))).toEqual(['李娜', '王芳', '张伟'])
  })

  it('sorts by latest check-in (never last), newest enrolment and most templates', () => {
    expect(names(arrangeRoster(roster, '', 'recent-checkin', 'en'))).toEqual(['李娜', '张伟', 'ada byron', 'Ada Lovelace', '王芳'])
    expect(names(arrangeRoster(roster, '', 'newest', 'en'))[0]).toBe('王芳')
    expect(names(arrangeRoster(roster, '', 'templates', 'en')).slice(0, 2)).toEqual(['李娜', '张伟'])
    expect(names(arrangeRoster(roster, '', 'name-desc', 'en'))).toEqual([...names(arrangeRoster(roster, '', 'name', 'en'))].reverse())
  })

  it('leaves the roster it was given as it was', () => {
    const before = names(roster)
    arrangeRoster(roster, '', 'templates', 'en')
    expect(names(roster)).toEqual(before)
  })
})
