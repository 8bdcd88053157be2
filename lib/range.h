/* range.h - Nagios threshold ranges (Monitoring Plugins Development Guidelines).
 *
 *   10      alert if < 0 or > 10          10:    alert if < 10
 *   ~:10    alert if > 10                 10:20  alert if < 10 or > 20
 *   @10:20  alert if 10 <= x <= 20        decimals and negatives allowed
 */
#ifndef MP_RANGE_H
#define MP_RANGE_H

#include "err.h"

#define RANGE_TEXT_MAX 64

struct range {
	int set;            /* 0: no threshold given */
	double start, end;
	int start_inf;      /* start is -infinity ("~") */
	int end_inf;        /* end is +infinity (nothing after ':') */
	int inside;         /* '@': alert inside the range */
	char text[RANGE_TEXT_MAX]; /* as given, for perfdata */
};

/* Parse TEXT into *r. Returns 0, or -1 with ERR_USAGE naming the problem. */
int range_parse(struct range *r, const char *text, struct err *e);

/* 1 when VALUE must raise an alert under *r (0 when r is not set). */
int range_alert(const struct range *r, double value);

#endif
