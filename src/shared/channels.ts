/** The IPC channel names: one for calls, one for events. */
export const channels = { invoke: 'likeness:invoke', event: 'likeness:event' } as const
