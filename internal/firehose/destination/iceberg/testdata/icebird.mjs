// icebird.mjs reads an Iceberg table with icebird (a JavaScript Iceberg
// reader built on hyparquet, sharing no code with iceberg-go) and prints
// what it found as one JSON object:
//
//	{"formatVersion":2,"schema":{…current schema…},"snapshots":N,"rows":[{column: value,…},…]}
//
// Values JSON cannot hold come tagged as test/js/parquet.mjs tags them:
// {"$bigint":"…"}, {"$date":"…ISO…"}, {"$bytes":"<base64>"}.
//
// Usage: node icebird.mjs NODE_MODULES ROOT TABLE_LOCATION
// NODE_MODULES is the folder holding icebird (test/js/node_modules); the
// table's files are objects laid out as ROOT/<bucket>/<key>, and the
// table's s3://bucket/key locations are read from there: icebird fetches
// every file, so fetch is given the files of ROOT.
//
// One adjustment, disclosed: icebird 0.3.1 cannot inflate Avro blocks
// written with the "deflate" codec by Go's compress/flate (its raw-deflate
// decoder, from hyparquet-compressors 1.1.1, assumes a gzip member and
// reads past the block), and iceberg-go writes every manifest and manifest
// list with that codec. So an .avro file is handed to icebird re-framed with
// the "null" codec: each block inflated with node's zlib, the schema,
// records and sync markers unchanged. Everything else is icebird's own
// reading.
import { readFile, stat } from 'node:fs/promises'
import { inflateRawSync } from 'node:zlib'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'

const [nodeModules, root, tableLocation] = process.argv.slice(2)
const { icebergMetadata, icebergRead } = await import(pathToFileURL(join(nodeModules, 'icebird', 'src', 'index.js')).href)

// pathOf maps a location to its file: s3://bucket/key, and the
// https://bucket.s3.amazonaws.com/key form icebird rewrites s3:// into
// before it fetches (nothing is fetched from the network).
function pathOf(url) {
  const m = /^s3:\/\/([^/]+)\/(.+)$/.exec(url) ?? /^https:\/\/([^/.]+)\.s3\.amazonaws\.com\/(.+)$/.exec(url)
  if (!m) throw new Error(`icebird.mjs: no file for ${url}`)
  return join(root, m[1], ...decodeURIComponent(m[2]).split('/'))
}

function readLong(buf, p) {
  let n = 0n, shift = 0n, c
  do { c = buf[p.i++]; n |= BigInt(c & 0x7f) << shift; shift += 7n } while (c & 0x80)
  return Number((n >> 1n) ^ -(n & 1n))
}

function longBytes(v) {
  let n = (BigInt(v) << 1n) ^ (BigInt(v) >> 63n)
  const out = []
  do { let c = Number(n & 0x7fn); n >>= 7n; if (n) c |= 0x80; out.push(c) } while (n)
  return Buffer.from(out)
}

function withLength(b) { return Buffer.concat([longBytes(b.length), b]) }

// nullCodec re-frames an Avro object container file whose codec is deflate.
function nullCodec(buf) {
  const p = { i: 4 }
  const meta = []
  for (let n = readLong(buf, p); n !== 0; n = readLong(buf, p)) {
    if (n < 0) { n = -n; readLong(buf, p) }
    for (let k = 0; k < n; k++) {
      let l = readLong(buf, p); const key = buf.subarray(p.i, p.i + l).toString(); p.i += l
      l = readLong(buf, p); const val = buf.subarray(p.i, p.i + l); p.i += l
      meta.push([key, val])
    }
  }
  const codec = meta.find(([k]) => k === 'avro.codec')
  if (!codec || codec[1].toString() !== 'deflate') return buf
  codec[1] = Buffer.from('null')
  const sync = buf.subarray(p.i, p.i + 16); p.i += 16
  const out = [buf.subarray(0, 4), longBytes(meta.length)]
  for (const [k, v] of meta) out.push(withLength(Buffer.from(k)), withLength(v))
  out.push(longBytes(0), sync)
  while (p.i < buf.length) {
    const count = readLong(buf, p), size = readLong(buf, p)
    const data = inflateRawSync(buf.subarray(p.i, p.i + size)); p.i += size + 16
    out.push(longBytes(count), withLength(data), sync)
  }
  return Buffer.concat(out)
}

globalThis.fetch = async (url, init = {}) => {
  const path = pathOf(String(url))
  let st
  try { st = await stat(path) } catch { return new Response(null, { status: 404 }) }
  if (init.method === 'HEAD') return new Response(null, { status: 200, headers: { 'content-length': String(st.size) } })
  let body = await readFile(path)
  if (path.endsWith('.avro')) body = nullCodec(body)
  const range = new Headers(init.headers).get('range')
  if (range) {
    const m = /^bytes=(\d+)-(\d*)$/.exec(range)
    const end = m[2] === '' ? body.length : Number(m[2]) + 1
    return new Response(body.subarray(Number(m[1]), end), { status: 206 })
  }
  return new Response(body, { status: 200, headers: { 'content-length': String(body.length) } })
}

function tag(value) {
  if (typeof value === 'bigint') return { $bigint: value.toString() }
  if (value instanceof Date) return { $date: value.toISOString() }
  if (value instanceof Uint8Array) return { $bytes: Buffer.from(value).toString('base64') }
  if (Array.isArray(value)) return value.map(tag)
  if (value !== null && typeof value === 'object') {
    const out = {}
    for (const [k, v] of Object.entries(value)) out[k] = tag(v)
    return out
  }
  return value
}

try {
  const metadata = await icebergMetadata({ tableUrl: tableLocation })
  const rows = await icebergRead({ tableUrl: tableLocation, metadata })
  const schema = metadata.schemas.find(s => s['schema-id'] === metadata['current-schema-id'])
  console.log(JSON.stringify({
    formatVersion: metadata['format-version'], schema, snapshots: metadata.snapshots.length, rows: tag(rows),
  }))
} catch (err) {
  console.error(err)
  process.exit(1)
}
