// parquet.mjs reads a Parquet file with hyparquet, a reader that shares no
// code with the Go writer, and prints what it found as one JSON object:
//
//	{"schema":[{"name":…,"type":…,"repetition":…,"converted":…,"logical":…,"children":N},…],
//	 "rows":[{column: value,…},…]}
//
// Values that JSON cannot hold as they are come tagged: {"$bigint":"123"}
// for INT64 values, {"$date":"…ISO…"} for DATE and timestamp columns
// (hyparquet turns INT96 into a Date), {"$bytes":"<base64>"} for binary.
// Strings are read as UTF-8 only where the schema says STRING (utf8: false),
// so a binary column stays binary. hyparquet decompresses SNAPPY pages
// itself and GZIP pages with node's zlib.
//
// Usage: node parquet.mjs FILE. internal/firehose/convert's hyparquet test
// runs it on the files it writes. On any error it prints the error to
// stderr and exits 1.
import { readFile } from 'node:fs/promises'
import { gunzipSync } from 'node:zlib'
import { parquetMetadata, parquetReadObjects } from 'hyparquet'

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

async function main() {
  const path = process.argv[2]
  if (!path) throw new Error('usage: node parquet.mjs FILE')
  const buf = await readFile(path)
  const file = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength)
  const metadata = parquetMetadata(file)
  const schema = metadata.schema.map(e => ({
    name: e.name,
    type: e.type ?? null,
    repetition: e.repetition_type ?? null,
    converted: e.converted_type ?? null,
    logical: e.logical_type ?? null,
    children: e.num_children ?? 0,
  }))
  // hyparquet decodes SNAPPY itself; GZIP pages go through node's zlib.
  const compressors = { GZIP: input => new Uint8Array(gunzipSync(input)) }
  const rows = await parquetReadObjects({ file, metadata, utf8: false, compressors })
  process.stdout.write(JSON.stringify({ schema, rows: tag(rows) }, (k, v) => typeof v === 'bigint' ? v.toString() : v) + '\n')
}

main().catch(err => {
  process.stderr.write(`parquet.mjs: ${err?.stack ?? err}\n`)
  process.exit(1)
})
