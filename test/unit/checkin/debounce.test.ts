import { describe, expect, it } from 'vitest'
import { CheckInDebounce } from '../../../src/main/service/checkInDebounce'

const rule = { required: 3, window: 5, staleMs: 10_000 }

describe('check-in debounce', () => {
  it('never checks anyone in on a single frame, and does on the third recent sighting', () => {
    const debounce = new CheckInDebounce(rule)
    expect(debounce.observe(['ada'], 0)).toEqual([])
    expect(debounce.observe(['ada'], 200)).toEqual([])
    expect(debounce.observe(['ada'], 400)).toEqual(['ada'])
  })

  it('tolerates a missed frame inside the window but not sightings spread beyond it', () => {
    const debounce = new CheckInDebounce(rule)
    const seen = [['ada'], [], ['ada'], [], ['ada']].map((ids, i) => debounce.observe(ids, i * 100))
    expect(seen.at(-1)).toEqual(['ada'])
    const sparse = new CheckInDebounce(rule)
    const spread = [['ada'], [], [], [], [], ['ada'], [], [], [], [], ['ada']].map((ids, i) => sparse.observe(ids, i * 100))
    expect(spread.flat()).toEqual([])
  })

  it('needs a fresh run after returning someone, and counts people apart', () => {
    const debounce = new CheckInDebounce(rule)
    const returned = [['ada', 'bob'], ['ada'], ['ada', 'bob'], ['ada', 'bob'], ['ada']].map((ids, i) => debounce.observe(ids, i * 100))
    expect(returned).toEqual([[], [], ['ada'], ['bob'], []])
  })

  it('starts afresh after a pause longer than the stale gap', () => {
    const debounce = new CheckInDebounce(rule)
    debounce.observe(['ada'], 0)
    debounce.observe(['ada'], 100)
    expect(debounce.observe(['ada'], 100 + rule.staleMs + 1)).toEqual([])
  })
})
