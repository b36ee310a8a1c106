/**
 * Lower-case hex MD5 of the UTF-8 bytes of `text`.
 *
 * @example
 * md5Hex('abc'); // '900150983cd24fb0d6963f7d28e17f72'
 */
export declare function md5Hex(text: string): string;
