import type { RosterEntry } from '../../../shared/api/face'

/** The Gallery's orders. */
export const rosterOrders = ['name', 'name-desc', 'recent-checkin', 'newest', 'templates'] as const
export type RosterOrder = (typeof rosterOrders)[number]

/** Folds case and width, so that "ada", "ADA" and "ａｄａ" find Ada. */
const fold = (text: string, language: string): string => text.normalize('NFKC').toLocaleLowerCase(language)

/** The people whose name holds the query, in the order asked; names compare as the language sorts them (pinyin for Chinese). */
export function arrangeRoster(roster: readonly RosterEntry[], query: string, order: RosterOrder, language: string): RosterEntry[] {
  const wanted = fold(query.trim(), language)
  const found = wanted ? roster.filter((p) => fold(p.name, language).includes(wanted)) : [...roster]
  const byName = new Intl.Collator(language, { sensitivity: 'base', numeric: true }).compare
  const comparators: Record<RosterOrder, (a: RosterEntry, b: RosterEntry) => number> = {
    name: (a, b) => byName(a.name, b.name),
    'name-desc': (a, b) => byName(b.name, a.name),
    // Never checked in: last.
    'recent-checkin': (a, b) => (b.lastCheckIn ?? -Infinity) - (a.lastCheckIn ?? -Infinity) || byName(a.name, b.name),
    newest: (a, b) => b.createdAt - a.createdAt || byName(a.name, b.name),
    templates: (a, b) => b.templateCount - a.templateCount || byName(a.name, b.name)
  }
  return found.sort(comparators[order])
}
