/** The parts of Emscripten's MEMFS and FS that the quota wraps. */
interface FileNode {
  contents: { length: number } | null | undefined;
}
interface FileStream {
  node: FileNode;
}
interface FileStreamOperations {
  write(stream: FileStream, buffer: Uint8Array, offset: number, length: number, position: number, canOwn?: boolean): number;
  allocate?(stream: FileStream, offset: number, length: number): void;
}
interface MemoryFileSystem {
  resizeFileStorage(node: FileNode, newSize: number): void;
  ops_table: { file: { stream: FileStreamOperations } };
}
interface EmscriptenFileSystem {
  filesystems: { MEMFS: MemoryFileSystem };
  ErrnoError: new (errno: number) => Error;
}

/** Emscripten's errno for "no space left on device". */
const noSpaceErrno = 51;

/**
 * Caps the bytes a job may store in Pyodide's in-memory file system. MEMFS keeps file contents
 * in JavaScript typed arrays, outside both the WASM heap and V8's old space, so without this a
 * loop writing to /tmp would grow the worker without bound. Writes, fallocate and truncate are
 * the ways a file grows; each is checked against the request, then charged what MEMFS really
 * allocated (it over-allocates to amortise appends).
 */
export class FileQuota {
  private usedBytes = 0;
  private depth = 0;

  constructor(private readonly limitBytes: number) {}

  /** Wraps the MEMFS storage functions of the given Pyodide `FS`. */
  install(fileSystem: unknown): void {
    const { filesystems, ErrnoError } = fileSystem as EmscriptenFileSystem;
    const memfs = filesystems.MEMFS;
    const fileStream = memfs.ops_table.file.stream;
    const guard = <Rest extends unknown[], Result>(node: (...rest: Rest) => FileNode, wanted: (...rest: Rest) => number, operation: (...rest: Rest) => Result) =>
      (...rest: Rest): Result => {
        // Nested calls (write -> expandFileStorage) are charged once, by the outermost.
        if (this.depth > 0) return operation(...rest);
        const file = node(...rest);
        const before = file.contents?.length ?? 0;
        const growth = wanted(...rest) - before;
        if (growth > 0 && this.usedBytes + growth > this.limitBytes) throw new ErrnoError(noSpaceErrno);
        this.depth++;
        try {
          return operation(...rest);
        } finally {
          this.depth--;
          this.usedBytes += Math.max(0, (file.contents?.length ?? 0) - before);
        }
      };
    const write = fileStream.write.bind(fileStream);
    fileStream.write = guard((stream) => stream.node, (_stream, _buffer, _offset, length, position) => position + length, write);
    if (fileStream.allocate) {
      const allocate = fileStream.allocate.bind(fileStream);
      fileStream.allocate = guard((stream) => stream.node, (_stream, offset, length) => offset + length, allocate);
    }
    const resize = memfs.resizeFileStorage.bind(memfs);
    memfs.resizeFileStorage = guard((node) => node, (_node, newSize) => newSize, resize);
  }

  /** Starts a job with an empty quota. */
  reset(): void {
    this.usedBytes = 0;
  }
}
