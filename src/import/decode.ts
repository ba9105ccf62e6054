import chardet from 'chardet'
import iconv from 'iconv-lite'
import {isUtf8} from 'node:buffer'

import {inventoryMessages as msg} from '../messages'

/** The encodings `--encoding` takes: UTF-8 (the default), GB18030 (a superset of GBK and GB2312) and UTF-16 with a BOM. */
export const ENCODINGS = ['utf-8', 'gb18030', 'gbk', 'gb2312', 'utf-16', 'utf-16le', 'utf-16be'] as const
export type Encoding = (typeof ENCODINGS)[number]

/** How much of a file the detector reads: enough for a guess, bounded for a large file. */
const DETECT_BYTES = 64 * 1024
const LF = 0x0a

/**
 * The file's bytes as text. UTF-8 (with or without a BOM) unless `encoding` says otherwise; bytes
 * that are not valid in the encoding are refused with the line of the first bad byte, what a
 * detector (chardet) takes the file for, and the fix. GB18030 (GBK and GB2312 are subsets of it)
 * and UTF-16 are decoded by iconv-lite; UTF-16 needs a BOM unless its byte order is named.
 */
export function decodeBytes(file: string, bytes: Buffer, encoding: Encoding = 'utf-8'): string {
  switch (encoding) {
    case 'utf-8':
      return decodeUtf8(file, bytes)
    case 'gb18030':
    case 'gbk':
    case 'gb2312':
      return decodeWith(file, bytes, 'gb18030', 'GB18030')
    case 'utf-16': {
      const order =
        bytes[0] === 0xff && bytes[1] === 0xfe
          ? 'utf-16le'
          : bytes[0] === 0xfe && bytes[1] === 0xff
            ? 'utf-16be'
            : undefined
      if (!order) throw msg.utf16WithoutBom(file)
      return decodeWith(file, bytes, order, order.toUpperCase())
    }
    case 'utf-16le':
    case 'utf-16be':
      return decodeWith(file, bytes, encoding, encoding.toUpperCase())
  }
}

function decodeUtf8(file: string, bytes: Buffer): string {
  const body = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes
  if (isUtf8(body)) return body.toString('utf8')
  throw msg.notUtf8(file, firstBadLine(body, isUtf8), detect(bytes))
}

/**
 * iconv-lite decodes what it cannot map as U+FFFD: a replacement character in the text means the
 * bytes were not valid in the encoding (a file that holds U+FFFD itself is refused too; it never
 * belongs in the inventory).
 */
function decodeWith(file: string, bytes: Buffer, encoding: string, name: string): string {
  const text = iconv.decode(bytes, encoding) // strips a BOM
  const bad = NOT_DECODED.exec(text)
  if (!bad) return text
  const line = text.slice(0, bad.index).split('\n').length
  throw msg.notInEncoding(file, name, line, detect(bytes))
}

/** A replacement character, or half of a UTF-16 surrogate pair without the other half (UTF-16 input). */
const NOT_DECODED = /\ufffd|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/

/**
 * The 1-based line of the first line of bytes that fails `valid`. Lines are split at the byte 0x0A,
 * which in UTF-8 (and in GB18030) is only ever a line feed, never part of a character.
 */
function firstBadLine(bytes: Buffer, valid: (line: Buffer) => boolean): number {
  let line = 1
  let start = 0
  while (start <= bytes.length) {
    let end = bytes.indexOf(LF, start)
    if (end < 0) end = bytes.length
    if (!valid(bytes.subarray(start, end))) return line
    line++
    start = end + 1
  }
  return line
}

/** chardet's guess (e.g. "GB18030", "UTF-16LE", "windows-1252"), or undefined when it has none. */
function detect(bytes: Buffer): string | undefined {
  return chardet.detect(bytes.subarray(0, DETECT_BYTES)) ?? undefined
}
