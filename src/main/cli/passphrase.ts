import { LikenessError } from '../../shared/errors'

/** Reads a line from the terminal without echoing it. */
function promptHidden(question: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const input = process.stdin
    process.stderr.write(question)
    input.setRawMode(true)
    input.resume()
    let typed = ''
    const done = (error?: Error): void => {
      input.setRawMode(false)
      input.pause()
      input.off('data', onData)
      process.stderr.write('\n')
      if (error) reject(error)
      else resolve(typed)
    }
    const onData = (chunk: Buffer): void => {
      for (const char of chunk.toString('utf8')) {
        if (char === '\r' || char === '\n') return done()
        if (char === '\u0003') return done(new LikenessError('Cancelled', 'No passphrase was typed.'))
        typed = char === '\u007f' || char === '\b' ? typed.slice(0, -1) : typed + char
      }
    }
    input.on('data', onData)
  })
}

/**
 * The gallery passphrase for `share`: LIKENESS_GALLERY_PASSPHRASE when set, else typed at the
 * terminal (empty: this desk already keeps the gallery's key); undefined without a terminal, and
 * the service says when one is needed.
 */
export async function galleryPassphrase(): Promise<string | undefined> {
  const fromEnv = process.env.LIKENESS_GALLERY_PASSPHRASE
  if (fromEnv) return fromEnv
  if (!process.stdin.isTTY) return undefined
  return (await promptHidden('Gallery passphrase (empty if this desk already has the gallery key): ')) || undefined
}

/**
 * The passphrase of an export or import: LIKENESS_EXPORT_PASSPHRASE when set (scripts), else typed
 * at the terminal, twice when it will seal a new file. Never a command-line argument, which
 * other users can read in the process list.
 */
export async function exportPassphrase(purpose: 'seal' | 'open'): Promise<string> {
  const fromEnv = process.env.LIKENESS_EXPORT_PASSPHRASE
  if (fromEnv) return fromEnv
  if (!process.stdin.isTTY) throw new LikenessError('BadRequest', 'Type the passphrase in a terminal, or set LIKENESS_EXPORT_PASSPHRASE.')
  const typed = await promptHidden('Passphrase: ')
  if (purpose === 'seal' && (await promptHidden('The same passphrase again: ')) !== typed) throw new LikenessError('BadRequest', 'The two passphrases differ.')
  return typed
}
