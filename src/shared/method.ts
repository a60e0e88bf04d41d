import type { z } from 'zod'

/**
 * One call of the contract: a validator for what comes in (requests are untrusted, whichever
 * process or socket they came from) and, as a type only, what goes out.
 */
export interface MethodSpec<Request extends z.ZodType, Response> {
  request: Request
  /** Phantom: carries the response type; never set. */
  response?: Response
}

/** `method<Response>()(requestSchema)`: the response type is written, the request type inferred. */
export function method<Response>() {
  return <Request extends z.ZodType>(request: Request): MethodSpec<Request, Response> => ({ request })
}
