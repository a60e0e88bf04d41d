import { i18n } from './i18n.svelte'

/**
 * Dates, times and numbers in the window's language, through Intl. Formatters are cached per
 * language and shape: building one costs far more than using it, and a log formats hundreds.
 */
const cache = new Map<string, Intl.DateTimeFormat | Intl.NumberFormat>()

function dateFormat(options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `d${i18n.language}${JSON.stringify(options)}`
  let format = cache.get(key) as Intl.DateTimeFormat | undefined
  if (!format) cache.set(key, (format = new Intl.DateTimeFormat(i18n.language, options)))
  return format
}

function numberFormat(options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `n${i18n.language}${JSON.stringify(options)}`
  let format = cache.get(key) as Intl.NumberFormat | undefined
  if (!format) cache.set(key, (format = new Intl.NumberFormat(i18n.language, options)))
  return format
}

/** 14:05:09 */
export const formatTime = (at: number): string => dateFormat({ hour: '2-digit', minute: '2-digit', second: '2-digit' }).format(at)
/** Tue, 3 Jun 2025 / 2025年6月3日周二 */
export const formatDay = (at: number): string => dateFormat({ weekday: 'short', year: 'numeric', month: 'short', day: 'numeric' }).format(at)
/** 3 Jun / 6月3日 */
export const formatShortDay = (at: number): string => dateFormat({ month: 'short', day: 'numeric' }).format(at)
/** June 2025 / 2025年6月 */
export const formatMonth = (at: number): string => dateFormat({ year: 'numeric', month: 'long' }).format(at)
/** A date with its time. */
export const formatDateTime = (at: number): string => dateFormat({ dateStyle: 'medium', timeStyle: 'short' }).format(at)

/** A number with exactly `digits` decimals (distances, losses, rates). */
export const formatFixed = (value: number, digits: number): string => numberFormat({ minimumFractionDigits: digits, maximumFractionDigits: digits }).format(value)
/** A whole number with the language's grouping: 12,832. */
export const formatInteger = (value: number): string => numberFormat({ maximumFractionDigits: 0 }).format(value)
/** A number as short as it reads well: 0.36, 1e-3 stays 0.001. */
export const formatNumber = (value: number): string => numberFormat({ maximumSignificantDigits: 6 }).format(value)
/** 1.2e-4 for the small probabilities of calibration. */
export const formatScientific = (value: number): string => numberFormat({ notation: 'scientific', maximumFractionDigits: 2 }).format(value)
