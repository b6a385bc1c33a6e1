/**
 * The indexes of the `limit` highest scores, best first (ties: lower index first), skipping rows
 * the optional `accept` refuses. A bounded min-heap keeps this O(n log limit) over large scans.
 */
export function topByScore(scores: Float32Array, limit: number, accept?: (row: number) => boolean): number[] {
  const heap: number[] = [];
  // The heap's root is the worst kept row: lowest score, then highest index.
  const worse = (left: number, right: number) =>
    scores[left]! < scores[right]! || (scores[left] === scores[right] && left > right);
  const siftDown = (start: number) => {
    let index = start;
    for (;;) {
      const leftChild = 2 * index + 1;
      const rightChild = leftChild + 1;
      let smallest = index;
      if (leftChild < heap.length && worse(heap[leftChild]!, heap[smallest]!)) smallest = leftChild;
      if (rightChild < heap.length && worse(heap[rightChild]!, heap[smallest]!)) smallest = rightChild;
      if (smallest === index) return;
      [heap[index], heap[smallest]] = [heap[smallest]!, heap[index]!];
      index = smallest;
    }
  };
  const siftUp = (start: number) => {
    let index = start;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!worse(heap[index]!, heap[parent]!)) return;
      [heap[index], heap[parent]] = [heap[parent]!, heap[index]!];
      index = parent;
    }
  };
  for (let row = 0; row < scores.length; row++) {
    if (accept && !accept(row)) continue;
    if (heap.length < limit) {
      heap.push(row);
      siftUp(heap.length - 1);
    } else if (limit > 0 && worse(heap[0]!, row)) {
      heap[0] = row;
      siftDown(0);
    }
  }
  return heap.sort((left, right) => (worse(left, right) ? 1 : worse(right, left) ? -1 : 0));
}
