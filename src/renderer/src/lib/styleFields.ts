import {
  colourModes,
  initModes,
  lbfgsShiftEvery,
  normalisers,
  paletteMatches,
  parameterisations,
  printSizes,
  styleOptimizers,
  styleOptionsSchema,
  styleStatistics,
  type StyleOptions
} from '../../../shared/api/style'
import { m } from '../paraglide/messages'

/**
 * The studio's knobs, described once so that one form draws them all. Bounds come from the
 * contract's schema (a new limit there is a new limit here); labels and steps from the table
 * below. An option the contract gains without a row here still appears, under its own name, in
 * the "more options" part of the form: adding a row gives it a label and a place.
 */
type Key = keyof StyleOptions
type NumberKey = { [K in Key]: StyleOptions[K] extends number ? K : never }[Key]
type ChoiceKey = { [K in Key]: StyleOptions[K] extends string ? (string extends StyleOptions[K] ? never : K) : never }[Key]
type ToggleKey = { [K in Key]: StyleOptions[K] extends boolean ? K : never }[Key]

interface Common {
  label: string
  /** No row names it yet: the label is the contract's own name for it, not a word to translate. */
  unnamed: boolean
  /** What else changes with it. */
  then?: (options: StyleOptions) => void
}

export type StyleField = Common &
  (
    | { kind: 'number'; key: NumberKey; min?: number; max?: number; step: number | 'any'; testid?: string; presets?: { value: number; label: string }[] }
    | { kind: 'choice'; key: ChoiceKey; choices: { value: string; label: string }[] }
    | { kind: 'toggle'; key: ToggleKey }
  )

interface Row {
  label: () => string
  step?: number
  testid?: string
  /** Values offered beside free entry. */
  presets?: readonly number[]
  presetLabel?: (value: number) => string
  /** Words for each value of a choice, in the order the contract lists them. */
  choices?: Record<string, () => string>
  /** Shown only under "more options". */
  advanced?: boolean
  then?: (options: StyleOptions) => void
}

const rows: Partial<Record<Key, Row>> = {
  size: { label: m.style_size, step: 32, testid: 'size', presets: printSizes, presetLabel: (size) => m.style_size_presets({ size }) },
  iterations: { label: m.style_iterations, testid: 'iterations' },
  previewEvery: { label: m.style_preview_every },
  paletteMatch: {
    label: m.style_palette_match,
    choices: { none: m.style_palette_match_none, moments: m.style_palette_match_moments, histogram: m.style_palette_match_histogram }
  },
  parameterisation: {
    label: m.style_parameterisation,
    choices: {
      pixels: m.style_parameterisation_pixels,
      decorrelated: m.style_parameterisation_decorrelated,
      fourier: m.style_parameterisation_fourier,
      pyramid: m.style_parameterisation_pyramid
    },
    advanced: true
  },
  chromaSmoothing: { label: m.style_chroma_smoothing, advanced: true },
  chromaBlur: { label: m.style_chroma_blur, advanced: true },
  laplacianWeight: { label: m.style_laplacian_weight, step: 0.5, advanced: true },
  fineShare: { label: m.style_fine_share, step: 0.05, advanced: true },
  optimizer: {
    label: m.style_optimizer,
    choices: { adam: () => 'Adam', lbfgs: m.style_optimizer_lbfgs },
    // L-BFGS pays a pass for every new shift (see lbfgsShiftEvery); Adam does not.
    then: (options) => (options.shiftEvery = options.optimizer === 'lbfgs' ? lbfgsShiftEvery : 1)
  },
  learningRate: { label: m.style_learning_rate, step: 0.005 },
  shiftEvery: { label: m.style_shift_every, testid: 'shift-every' },
  init: { label: m.style_init, choices: { mix: m.style_init_mix, content: m.style_init_content, noise: m.style_init_noise } },
  colour: { label: m.style_colour, choices: { style: m.style_colour_style, transfer: m.style_colour_transfer, luminance: m.style_colour_luminance } },
  statistics: { label: m.style_statistics, choices: { swag: m.style_statistics_swag, gram: m.style_statistics_gram } },
  normaliser: { label: m.style_normaliser, choices: { 'target-norm': m.style_normaliser_target, seed: () => '1/(2·nH·nW·nC)²', none: m.style_normaliser_none } },
  styleScale: { label: m.style_style_scale, step: 0.25 },
  multiScale: { label: m.style_multi_scale },
  minSide: { label: m.style_min_side, step: 32, advanced: true },
  noiseRatio: { label: m.style_noise_ratio, step: 0.05, advanced: true },
  swagTemperature: { label: m.style_swag_temperature, step: 0.1, advanced: true },
  padding: { label: m.style_padding, advanced: true },
  maxShift: { label: m.style_max_shift, advanced: true },
  seed: { label: m.style_seed, advanced: true }
}

// Checked by the compiler: every enum of the contract has words for each of its values.
const enums: Record<ChoiceKey, readonly string[]> = {
  optimizer: styleOptimizers,
  init: initModes,
  colour: colourModes,
  statistics: styleStatistics,
  normaliser: normalisers,
  paletteMatch: paletteMatches,
  parameterisation: parameterisations
}

function field(key: Key, row: Row | undefined): StyleField | null {
  const schema = styleOptionsSchema.shape[key] as unknown as { def: { type: string }; minValue?: number | null; maxValue?: number | null; isInt?: boolean; options?: readonly string[] }
  const common: Common = { label: row?.label() ?? key, unnamed: row === undefined, then: row?.then }
  switch (schema.def.type) {
    case 'number': {
      const finite = (v: number | null | undefined): number | undefined => (v !== null && v !== undefined && Number.isFinite(v) ? v : undefined)
      const presets = row?.presets?.map((value) => ({ value, label: row.presetLabel?.(value) ?? String(value) }))
      return { ...common, kind: 'number', key: key as NumberKey, min: finite(schema.minValue), max: finite(schema.maxValue), step: row?.step ?? (schema.isInt ? 1 : 'any'), testid: row?.testid, presets }
    }
    case 'enum': {
      const values = enums[key as ChoiceKey] ?? schema.options ?? []
      return { ...common, kind: 'choice', key: key as ChoiceKey, choices: values.map((value) => ({ value, label: row?.choices?.[value]?.() ?? value })) }
    }
    case 'boolean':
      return { ...common, kind: 'toggle', key: key as ToggleKey }
    default:
      // Layers and weights have their own parts of the form.
      return null
  }
}

/** The form's fields: the usual ones, then `advanced` (including any option without a row yet). */
export function styleFields(): { usual: StyleField[]; advanced: StyleField[] } {
  const usual: StyleField[] = []
  const advanced: StyleField[] = []
  for (const [key, row] of Object.entries(rows) as [Key, Row][]) {
    const f = field(key, row)
    if (f) (row.advanced ? advanced : usual).push(f)
  }
  for (const key of Object.keys(styleOptionsSchema.shape) as Key[]) {
    if (rows[key]) continue
    const f = field(key, undefined)
    if (f) advanced.push(f)
  }
  return { usual, advanced }
}

/** α, β, γ: the cost weights, by the contract's names. */
export const weightFields: { key: keyof StyleOptions['weights']; label: () => string; step: number }[] = [
  { key: 'content', label: m.style_weight_content, step: 0.1 },
  { key: 'style', label: m.style_weight_style, step: 1 },
  { key: 'tv', label: m.style_weight_tv, step: 0.1 }
]
