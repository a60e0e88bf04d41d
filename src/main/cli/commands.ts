import type { CliCommand } from './command'
import { infoCommand } from './info'

export const commands: Record<string, CliCommand> = {
  info: infoCommand
}
