import { overwriteGetLocale } from '../paraglide/runtime'
import { matchLanguage, type Language, type LanguageChoice } from '../../../shared/languages'
import { call } from './api'

/**
 * The window's language. Paraglide's message functions ask getLocale(); here it reads a rune, so
 * every text drawn from a message is redrawn the moment the language changes (no reload).
 *
 * Who decides, first to last: `LIKENESS_LANG` (the main process answers system.language), the
 * choice in Settings, the operating system's languages (Electron's and the browser's
 * navigator.languages follow it), English.
 */
const state = $state<{ language: Language; forced: Language | null; choice: LanguageChoice }>({
  language: systemLanguage(),
  forced: null,
  choice: 'system'
})
overwriteGetLocale(() => state.language)

export const i18n = {
  get language(): Language {
    return state.language
  },
  /** Set by LIKENESS_LANG: Settings shows the choice but cannot change it. */
  get forced(): Language | null {
    return state.forced
  },
  get choice(): LanguageChoice {
    return state.choice
  }
}

function systemLanguage(): Language {
  for (const tag of navigator.languages ?? [navigator.language]) {
    const language = matchLanguage(tag)
    if (language) return language
  }
  return 'en'
}

function apply(): void {
  state.language = state.forced ?? (state.choice === 'system' ? systemLanguage() : state.choice)
  // Screen readers pick their voice, and browsers their CJK glyphs, by the page's lang.
  document.documentElement.lang = state.language
}

/** Asks the main process once, before the window is drawn; without an answer the OS decides. */
export async function startLanguage(): Promise<void> {
  try {
    const [info, settings] = await Promise.all([call('system.language', {}), call('settings.get', {})])
    state.forced = info.forced
    state.choice = settings.language
  } catch {
    // The main process is unreachable: the shell's error banner says so once it is drawn.
  }
  apply()
}

/** Settings' language picker: takes effect at once, and is kept for the next start. */
export async function chooseLanguage(choice: LanguageChoice): Promise<void> {
  state.choice = choice
  apply()
  await call('settings.update', { language: choice })
}
