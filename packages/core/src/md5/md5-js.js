/**
 * @module md5/md5-js
 * MD5 in plain JavaScript (@noble/hashes), for runtimes without `node:crypto`: browsers, Workers, Deno without
 * Node compatibility. Chosen by the `#md5` conditional import in package.json.
 */
import { md5 } from '@noble/hashes/legacy.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
/**
 * Lower-case hex MD5 of the UTF-8 bytes of `text`.
 *
 * @example
 * md5Hex('abc'); // '900150983cd24fb0d6963f7d28e17f72'
 */
export function md5Hex(text) {
    return bytesToHex(md5(utf8ToBytes(text)));
}
