/* civil.h - calendar arithmetic for the date parsers (IMAP INTERNALDATE,
 * the Date: header of RFC 5322). Pure. */
#ifndef MP_CIVIL_H
#define MP_CIVIL_H

/* Days from 1970-01-01 to the proleptic Gregorian date Y-M-D (M 1..12,
 * D 1..31; not checked), negative before 1970. */
long long civil_days(long long y, unsigned m, unsigned d);

#endif
