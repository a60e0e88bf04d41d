import type { CliCommand } from './command'
import { infoCommand } from './info'
import { checkinsCommand, enrollCommand, evalCommand, forgetCommand, galleryExportCommand, galleryImportCommand, identifyCommand, peopleCommand, verifyCommand } from './face'
import { layersCommand, topPatchesCommand } from './explore'
import { stylizeCommand } from './style'
import { calibrateCommand, trainCommand } from './train'
import { auditCommand, personExportCommand, personOpenCommand } from './privacy'
import { shareCommand, sharedCommand, unshareCommand } from './shared'
import { watchCommand } from './watch'

export const commands: Record<string, CliCommand> = {
  info: infoCommand,
  enroll: enrollCommand,
  verify: verifyCommand,
  identify: identifyCommand,
  people: peopleCommand,
  forget: forgetCommand,
  'person-export': personExportCommand,
  'person-open': personOpenCommand,
  audit: auditCommand,
  eval: evalCommand,
  checkins: checkinsCommand,
  watch: watchCommand,
  'gallery-export': galleryExportCommand,
  'gallery-import': galleryImportCommand,
  shared: sharedCommand,
  share: shareCommand,
  unshare: unshareCommand,
  layers: layersCommand,
  'top-patches': topPatchesCommand,
  stylize: stylizeCommand,
  train: trainCommand,
  calibrate: calibrateCommand
}
