/** The version `latchkey --version` prints (package.json's, inlined by the build). */
import pkg from '../../package.json' with { type: 'json' }

export const VERSION: string = pkg.version
