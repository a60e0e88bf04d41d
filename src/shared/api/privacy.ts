import { z } from 'zod'

/** The fewest characters a passphrase may have: an export or a data folder sealed with it is only as strong. */
export const minPassphraseLength = 8

/** A passphrase the user types for an export or an import; never stored. */
export const passphrase = z.string().min(minPassphraseLength, `a passphrase of at least ${minPassphraseLength} characters`).max(1024)
