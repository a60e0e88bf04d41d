import { LikenessError } from '../../shared/errors'

export interface ParsedArgs {
  positional: string[]
  flags: Map<string, string[]>
  json: boolean
}

/** `a b --flag v --flag w --json` → positional [a, b], flags {flag: [v, w]}, json true. */
export function parseArgs(argv: readonly string[], booleanFlags: readonly string[] = []): ParsedArgs {
  const positional: string[] = []
  const flags = new Map<string, string[]>()
  let json = false
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (arg === '--json') json = true
    else if (arg.startsWith('--')) {
      const name = arg.slice(2)
      if (booleanFlags.includes(name)) {
        flags.set(name, ['true'])
        continue
      }
      const value = argv[i + 1]
      if (value === undefined || value.startsWith('--')) throw new LikenessError('BadRequest', `--${name} needs a value.`)
      flags.set(name, [...(flags.get(name) ?? []), value])
      i++
    } else positional.push(arg)
  }
  return { positional, flags, json }
}

export function flag(args: ParsedArgs, name: string): string | undefined {
  return args.flags.get(name)?.at(-1)
}

export function numberFlag(args: ParsedArgs, name: string, fallback: number): number {
  const value = flag(args, name)
  if (value === undefined) return fallback
  const number = Number(value)
  if (!Number.isFinite(number)) throw new LikenessError('BadRequest', `--${name} must be a number, not "${value}".`)
  return number
}

/** Refuses a command given fewer than `count` positional arguments, with its usage. */
export function need(positional: string[], count: number, usage: string): void {
  if (positional.length < count) throw new LikenessError('BadRequest', `usage: npm run cli -- ${usage}`)
}
