import { describe, expect, it } from 'vitest'
import { readFileSync, readdirSync } from 'node:fs'
import path from 'node:path'

/**
 * The message catalogs (src/renderer/messages, compiled by Paraglide JS): each language has every
 * message, with the same parameters, and the Chinese one is written in Chinese. Paraglide falls
 * back to English for a message missing in Chinese, silently; this test is what notices.
 */
type Message = string | { declarations: string[]; selectors: string[]; match: Record<string, string> }[]
type Catalog = Record<string, Message>

const catalogs = path.resolve('src/renderer/messages')
const read = (language: string): Catalog => {
  const { $schema: _schema, ...messages } = JSON.parse(readFileSync(path.join(catalogs, `${language}.json`), 'utf8')) as Catalog & { $schema: string }
  return messages
}
const en = read('en')
const zh = read('zh-CN')

/** Every text a message can come out as (one per variant). */
const texts = (message: Message): string[] => (typeof message === 'string' ? [message] : message.flatMap((variant) => Object.values(variant.match)))
/** The {parameters} a message shows (an English plural may also choose its words by a number it does not show). */
const parameters = (message: Message): string[] => [...new Set(texts(message).flatMap((text) => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]!)))].sort()
const cjk = /[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]/

// Chinese messages that need no Chinese: formulas and figures only.
const noWordsToTranslate = new Set(['job_progress_plain', 'job_progress_megabytes'])

describe('message catalogs', () => {
  it('have the same messages in English and Chinese', () => {
    expect(Object.keys(zh).filter((key) => !(key in en))).toEqual([])
    expect(Object.keys(en).filter((key) => !(key in zh))).toEqual([])
  })

  it('give each message the same parameters in both languages', () => {
    const differ = Object.keys(en).filter((key) => key in zh && parameters(en[key]!).join() !== parameters(zh[key]!).join())
    expect(differ).toEqual([])
  })

  it('leave no message empty, and write the Chinese ones in Chinese', () => {
    const empty = Object.entries({ ...prefixed('en', en), ...prefixed('zh', zh) }).filter(([, message]) => texts(message).some((text) => text.trim() === ''))
    expect(empty.map(([key]) => key)).toEqual([])
    const untranslated = Object.entries(zh).filter(([key, message]) => !noWordsToTranslate.has(key) && texts(message).some((text) => !cjk.test(text)))
    expect(untranslated.map(([key]) => key)).toEqual([])
  })

  it('are all in use, and every message the renderer asks for exists', () => {
    const sources = files(path.resolve('src/renderer/src')).map((file) => readFileSync(file, 'utf8'))
    const used = new Set(sources.flatMap((source) => [...source.matchAll(/\bm\.(\w+)/g)].map((match) => match[1]!)))
    expect(Object.keys(en).filter((key) => !used.has(key))).toEqual([])
    expect([...used].filter((key) => !(key in en))).toEqual([])
  })
})

function prefixed(prefix: string, catalog: Catalog): Catalog {
  return Object.fromEntries(Object.entries(catalog).map(([key, message]) => [`${prefix}:${key}`, message]))
}

/** The renderer's own sources: not the compiled catalogs. */
function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) return entry.name === 'paraglide' ? [] : files(full)
    return /\.(svelte|ts)$/.test(entry.name) ? [full] : []
  })
}
