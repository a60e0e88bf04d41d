import type { ErrorInfo } from './errors'

/** What every call returns across the process boundary: thrown errors do not survive IPC intact. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: ErrorInfo }
