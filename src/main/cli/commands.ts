import type { CliCommand } from './command'
import { infoCommand } from './info'
import { enrollCommand, evalCommand, forgetCommand, identifyCommand, peopleCommand, verifyCommand } from './face'
import { layersCommand, topPatchesCommand } from './explore'
import { stylizeCommand } from './style'

export const commands: Record<string, CliCommand> = {
  info: infoCommand,
  enroll: enrollCommand,
  verify: verifyCommand,
  identify: identifyCommand,
  people: peopleCommand,
  forget: forgetCommand,
  eval: evalCommand,
  layers: layersCommand,
  'top-patches': topPatchesCommand,
  stylize: stylizeCommand
}
