/** The languages Likeness speaks in its window; the CLI and the logs stay English. */
export const languages = ['en', 'zh-CN'] as const
export type Language = (typeof languages)[number]

/** What Settings can hold: a language, or 'system' to follow the operating system's. */
export const languageChoices = ['system', ...languages] as const
export type LanguageChoice = (typeof languageChoices)[number]

/**
 * The language Likeness has for a BCP 47 tag (an OS or browser locale, `LIKENESS_LANG`), or null
 * when none fits. Any Chinese gets Simplified Chinese: the nearest of the two for a reader of
 * Traditional Chinese too.
 */
export function matchLanguage(tag: string): Language | null {
  const primary = tag.trim().toLowerCase().replace('_', '-').split('-')[0]
  if (primary === 'en') return 'en'
  if (primary === 'zh') return 'zh-CN'
  return null
}
