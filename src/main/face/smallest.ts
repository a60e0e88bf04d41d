/**
 * Indices of the m smallest values, in no particular order, by one pass with a bounded max-heap:
 * O(n log m), and for m ≪ n almost every value costs a single comparison with the heap's root.
 * Sorting a million scores to keep ten would cost ~20× more.
 */
export function smallestIndices(values: Float32Array, m: number): Int32Array {
  const size = Math.min(m, values.length)
  const heapValues = new Float32Array(size)
  const heapIndices = new Int32Array(size)

  const siftDown = (start: number): void => {
    let parent = start
    for (;;) {
      const left = 2 * parent + 1
      if (left >= size) return
      const right = left + 1
      const larger = right < size && heapValues[right] > heapValues[left] ? right : left
      if (heapValues[larger] <= heapValues[parent]) return
      const value = heapValues[parent]
      const index = heapIndices[parent]
      heapValues[parent] = heapValues[larger]
      heapIndices[parent] = heapIndices[larger]
      heapValues[larger] = value
      heapIndices[larger] = index
      parent = larger
    }
  }

  for (let i = 0; i < size; i++) {
    heapValues[i] = values[i]
    heapIndices[i] = i
  }
  for (let i = (size >> 1) - 1; i >= 0; i--) siftDown(i)
  // The root held in a local: the hot loop is then one load and one compare per value.
  let root = size > 0 ? heapValues[0] : -Infinity
  for (let i = size; i < values.length; i++) {
    const value = values[i]
    if (value < root) {
      heapValues[0] = value
      heapIndices[0] = i
      siftDown(0)
      root = heapValues[0]
    }
  }
  return heapIndices
}
