import { readFile, writeFile } from 'node:fs/promises'
import { LikenessError } from '../../shared/errors'
import type { StyleOptions } from '../../shared/api/style'
import { styleNetworks, type StyleNetwork } from '../../shared/networks'
import { flag, type ParsedArgs } from './args'
import type { CliCommand } from './command'
import { followJob } from './jobs'

const usage =
  'stylize --content C --style S [--style S2 --style-weights 0.7,0.3] [--network vgg19|inception|mobilenet] [--size 32…2048] [--iterations N] [--optimizer lbfgs|adam] --out out.png [--json]'

async function readImage(file: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(file))
  } catch {
    throw new LikenessError('NotFound', `Cannot read ${file}.`)
  }
}

function required(args: ParsedArgs, name: string): string {
  const value = flag(args, name)
  if (!value) throw new LikenessError('BadRequest', `--${name} is needed. usage: npm run cli -- ${usage}`)
  return value
}

/** Whole-number flags are passed on as they are: the contract refuses what is out of range, with the field's name. */
function integerFlag(args: ParsedArgs, name: string): number | undefined {
  const value = flag(args, name)
  if (value === undefined) return undefined
  const number = Number(value)
  if (!Number.isInteger(number)) throw new LikenessError('BadRequest', `--${name} must be a whole number, not "${value}".`)
  return number
}

/** One weight per --style, equal when not given. */
function styleWeights(args: ParsedArgs, count: number): number[] {
  const text = flag(args, 'style-weights')
  if (text === undefined) return Array.from({ length: count }, () => 1 / count)
  const weights = text.split(',').map(Number)
  if (weights.length !== count || weights.some((w) => !Number.isFinite(w) || w < 0)) {
    throw new LikenessError('BadRequest', `--style-weights needs ${count} numbers ≥ 0, one per --style, separated by commas.`)
  }
  return weights
}

export const stylizeCommand: CliCommand = {
  usage,
  summary: 'paint a photo in the style of one or more paintings (neural style transfer)',
  async run(service, args) {
    const content = await readImage(required(args, 'content'))
    const styleFiles = args.flags.get('style') ?? []
    if (styleFiles.length === 0) throw new LikenessError('BadRequest', `--style is needed. usage: npm run cli -- ${usage}`)
    const out = required(args, 'out')
    const network = (flag(args, 'network') ?? 'inception') as StyleNetwork
    if (!styleNetworks.includes(network)) throw new LikenessError('BadRequest', `--network must be one of ${styleNetworks.join(', ')}.`)
    const optimizer = flag(args, 'optimizer')
    if (optimizer !== undefined && optimizer !== 'adam' && optimizer !== 'lbfgs') throw new LikenessError('BadRequest', '--optimizer must be adam or lbfgs.')
    const weights = styleWeights(args, styleFiles.length)
    const styles = await Promise.all(styleFiles.map(async (file, i) => ({ image: await readImage(file), weight: weights[i]! })))
    const options: Partial<StyleOptions> = { size: integerFlag(args, 'size'), iterations: integerFlag(args, 'iterations'), optimizer }
    const defined = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as Partial<StyleOptions>

    const job = await service.call('style.start', { content, styles, network, options: defined })
    const run = await followJob(service, job)
    const detail = await service.call('style.result', { resultId: run.result.id })
    await writeFile(out, detail.image)
    const value = {
      network,
      size: detail.options.size,
      iterations: run.result.iterations,
      seconds: run.result.seconds,
      lossStart: run.lossStart,
      lossEnd: run.lossEnd,
      contentLoss: run.result.losses.content,
      styleLoss: run.result.losses.style,
      ...run.quality
    }
    const figures = `palette ${run.quality.palette.toFixed(2)}, chroma speckle ${run.quality.chromaSpeckle.toFixed(2)}, structure ${run.quality.structure.toFixed(2)}`
    const text = `${out}: ${network}, ${run.result.width}×${run.result.height}, ${value.iterations} iterations in ${value.seconds.toFixed(1)} s, J ${value.lossStart.toPrecision(4)} → ${value.lossEnd.toPrecision(4)}; ${figures}`
    return { value, text }
  }
}
