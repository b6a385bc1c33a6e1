const mebibyte = 1024 * 1024;
const wasmPageBytes = 64 * 1024;

/** The slice of the WebAssembly API the guard touches (the project's lib settings carry no DOM types). */
interface WasmMemory {
  grow(deltaPages: number): number;
}
interface WasmMemoryConstructor {
  prototype: WasmMemory;
}
const { Memory } = (globalThis as unknown as { WebAssembly: { Memory: WasmMemoryConstructor } }).WebAssembly;

/**
 * Caps how far WebAssembly memory may grow during a job. Both interpreters keep their heap in a
 * WebAssembly.Memory that only grows, through `memory.grow()` called from Emscripten's `sbrk`;
 * a refused grow makes `malloc` return NULL, which CPython turns into a MemoryError and QuickJS
 * into an "out of memory" error the code can see. V8's `--max-old-space-size` does not cover this
 * memory, QuickJS's own limit counts requested bytes without allocator overhead (small objects
 * cost two to five times what it counts), and the parent's RSS watch is too coarse for a single
 * large allocation, so this is the precise limit and the RSS watch the backstop.
 */
export class WasmGrowthGuard {
  private budgetBytes = Number.POSITIVE_INFINITY;
  private grownBytes = 0;
  private refused = false;

  /** Wraps `WebAssembly.Memory.prototype.grow` for every memory in this process; call once, before loading an interpreter. */
  install(): void {
    const originalGrow = Memory.prototype.grow;
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the wrapper needs both the guard and the memory as `this`.
    const guard = this;
    const grow = function (this: WasmMemory, deltaPages: number): number {
      const bytes = deltaPages * wasmPageBytes;
      if (guard.grownBytes + bytes > guard.budgetBytes) {
        guard.refused = true;
        throw new RangeError('The sandbox memory limit was reached');
      }
      const previousPages = originalGrow.call(this, deltaPages);
      guard.grownBytes += bytes;
      return previousPages;
    };
    Object.defineProperty(Memory.prototype, 'grow', { value: grow, writable: false, configurable: false });
  }

  /** Bytes the heap grew by during the current job. */
  get grownDuringJob(): number {
    return this.grownBytes;
  }

  /** Starts a job: the heap may grow by `memoryMb` MiB from its current size. */
  startJob(memoryMb: number): void {
    this.budgetBytes = memoryMb * mebibyte;
    this.grownBytes = 0;
    this.refused = false;
  }

  /** True when a grow was refused during the current job. */
  get limitReached(): boolean {
    return this.refused;
  }
}
