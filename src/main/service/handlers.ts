import type { z } from 'zod'
import type { MethodName, Methods, ResponseOf } from '../../shared/contract'

/** One function per method of the contract, taking the validated request. */
export type Handlers = {
  [M in MethodName]: (request: z.output<Methods[M]['request']>) => Promise<ResponseOf<M>>
}
