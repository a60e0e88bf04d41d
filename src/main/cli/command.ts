import type { Service } from '../service'
import type { ParsedArgs } from './args'

export interface CliCommand {
  usage: string
  summary: string
  booleanFlags?: string[]
  /** Returns what to print: an object (printed as JSON with --json) and its human form. */
  run(service: Service, args: ParsedArgs, dataDir: string): Promise<{ value: unknown; text: string }>
}
