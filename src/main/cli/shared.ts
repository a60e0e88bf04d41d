import type { SharedGalleryStatus } from '../../shared/api/shared'
import type { JobInfo } from '../../shared/jobs'
import type { Service } from '../service'
import type { ParsedArgs } from './args'
import type { CliCommand } from './command'
import { followJob } from './jobs'
import { galleryPassphrase } from './passphrase'

function describe(status: SharedGalleryStatus): string {
  if (status.mode === 'local') return 'gallery: this desk’s own'
  const state = status.online ? 'online' : `offline${status.problem ? ` (${status.problem})` : ''}`
  return [`gallery: shared on ${status.server} (${status.source === 'environment' ? 'LIKENESS_DATABASE_URL' : 'settings'})`, `${state}, ${status.queued} check-in(s) queued`].join('\n')
}

export const sharedCommand: CliCommand = {
  usage: 'shared [--json]',
  summary: 'which gallery this desk uses; with a shared one, online or not and check-ins queued',
  async run(service) {
    const status = await service.call('shared.status', {})
    return { value: status, text: describe(status) }
  }
}

/** A command that switches the gallery in a job and prints where the desk ends up. */
function switchCommand(usage: string, summary: string, start: (service: Service, args: ParsedArgs) => Promise<JobInfo<SharedGalleryStatus>>): CliCommand {
  return {
    usage,
    summary,
    booleanFlags: ['move'],
    async run(service, args) {
      const status = await followJob(service, await start(service, args))
      return { value: status, text: describe(status) }
    }
  }
}

export const shareCommand = switchCommand(
  'share [<postgres://user@host/db>] [--move] [--json]',
  'use a shared gallery (the URL, or LIKENESS_DATABASE_URL); --move takes this desk’s gallery there; the gallery passphrase is typed, or LIKENESS_GALLERY_PASSPHRASE',
  async (service, args) => service.call('shared.connect', { url: args.positional[0], galleryPassphrase: await galleryPassphrase(), move: args.flags.has('move') })
)

export const unshareCommand = switchCommand('unshare [--move] [--json]', 'back to this desk’s own gallery; --move brings a copy of the shared one', (service, args) =>
  service.call('shared.disconnect', { move: args.flags.has('move') })
)
