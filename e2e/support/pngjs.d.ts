// The little of pngjs the e2e suite uses (the package ships no types, and @types/pngjs is not installed).
declare module 'pngjs' {
  export class PNG {
    width: number
    height: number
    data: Buffer
    static sync: { read(buffer: Buffer): PNG; write(png: PNG): Buffer }
  }
}
