export type AsnClass = 'public' | 'documentation' | 'private' | 'reserved';

/** Classify an ASN per RFC 5398 (documentation), RFC 6996 (private) and IANA reservations. */
export function classifyAsn(asn: number): AsnClass {
  if (asn === 0 || asn === 23456 || asn === 65535 || asn === 4294967295) return 'reserved';
  if ((asn >= 64496 && asn <= 64511) || (asn >= 65536 && asn <= 65551)) return 'documentation';
  if ((asn >= 64512 && asn <= 65534) || (asn >= 4200000000 && asn <= 4294967294)) return 'private';
  if (asn >= 65552 && asn <= 131071) return 'reserved';
  return 'public';
}

export function isPrivateAsn(asn: number): boolean {
  return classifyAsn(asn) === 'private';
}
