// @doyensec/electronegativity uses commander without declaring it, and needs commander 6's API
// (options stored on the program). Our CLI uses a current commander, which npm hoists; this
// preload points electronegativity's own `require('commander')` at the aliased commander-6.
const Module = require('node:module')
const resolveFilename = Module._resolveFilename
Module._resolveFilename = function (request, parent, ...rest) {
  if (request === 'commander' && parent?.filename?.includes('@doyensec')) {
    return resolveFilename.call(this, 'commander-6', parent, ...rest)
  }
  return resolveFilename.call(this, request, parent, ...rest)
}
