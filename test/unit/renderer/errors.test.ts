import { afterEach, describe, expect, it } from 'vitest'
import { LikenessError } from '../../../src/shared/errors'
import { describeError } from '../../../src/renderer/src/lib/errors'
import { overwriteGetLocale } from '../../../src/renderer/src/paraglide/runtime.js'

// The window's sentences for the main process's typed errors: the kind picks the headline, the
// detail's figures fill the sentence; the service's English stays as the technical message.
const speak = (language: 'en' | 'zh-CN'): void => overwriteGetLocale(() => language)
afterEach(() => speak('en'))

const poorShot = new LikenessError('PoorShot', 'Picture 2 of 3: the picture is blurred: hold still (sharpness 12, at least 40).', {
  image: 1,
  problems: [{ figure: 'sharpness', value: 12.4, limit: 40, bound: 'min' }]
})

describe('errors in the window', () => {
  it("says a PoorShot's figures and which picture, in English and in Chinese", () => {
    expect(describeError(poorShot)).toEqual({
      kind: 'PoorShot',
      headline: 'This shot cannot be enrolled.',
      detail: 'Picture 2: The picture is blurred: hold still (12; at least 40).',
      technical: poorShot.message
    })
    speak('zh-CN')
    const zh = describeError(poorShot)
    expect(zh.headline).toBe('这张照片不能用于登记。')
    expect(zh.detail).toBe('第 2 张图片：画面模糊：请保持不动（12；至少 40）。')
    expect(zh.technical).toBe(poorShot.message)
  })

  it('names the problem of a refused gallery file and the size that fits the backend', () => {
    speak('zh-CN')
    expect(describeError(new LikenessError('ChecksumMismatch', 'The gallery file is damaged.', { problem: 'checksum' })).detail).toBe('人脸库文件已损坏：校验和不一致。')
    expect(describeError({ kind: 'TooBigForBackend', message: 'At 2048 px…', detail: { size: 2048, largestSize: 1024 } }).detail).toBe('2048 像素时所需内存超出计算后端的容量；1024 像素可以。')
    expect(describeError(new LikenessError('ModelUnavailable', 'VGG19 is not installed.', { model: 'vgg19' })).detail).toContain('VGG19 尚未安装')
  })

  it('has a headline for anything thrown, and no detail it cannot back with figures', () => {
    speak('zh-CN')
    expect(describeError(new Error('boom'))).toEqual({ kind: 'Internal', headline: 'Likeness 内部出错了。', detail: '', technical: 'boom' })
    expect(describeError(new LikenessError('NotFound', 'There is no such style result.')).detail).toBe('')
    expect(describeError({ kind: 'Internal', message: 'lost', detail: { bridge: 'lost' } }).detail).toBe('与 Likeness 的连接已断开。')
  })
})
