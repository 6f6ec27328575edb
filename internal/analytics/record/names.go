package record

import (
	"strconv"
	"strings"
)

// Column naming for schema discovery (sch-dis.md): keep as much of the
// source name as possible, but prefix COL_ when the name is a reserved SQL
// keyword (USER → COL_USER), has characters other than letters, digits and
// _ (which are dropped: USER@DOMAIN → COL_USERDOMAIN), starts with a digit,
// or is longer than 100 characters; when nothing is left, COL_ and the
// column's position from 0 (@@ → COL_0).

const maxDiscoveredName = 100

// columnName is the discovered name for a source name at position index.
func columnName(raw string, index int) string {
	var b strings.Builder
	changed := false
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' {
			b.WriteByte(c)
		} else {
			changed = true
		}
	}
	name := b.String()
	switch {
	case name == "":
		return "COL_" + strconv.Itoa(index)
	case changed, name[0] >= '0' && name[0] <= '9', isReserved(name), len(name) > maxDiscoveredName:
		name = "COL_" + name
	}
	if len(name) > maxDiscoveredName {
		name = name[:maxDiscoveredName]
	}
	return name
}

// uniqueNames makes the names distinct, case-insensitively (a quoted
// identifier is case-sensitive, but two columns differing only in case
// are a trap), by appending _2, _3, … to repeats.
func uniqueNames(names []string) {
	seen := make(map[string]bool, len(names))
	for i, n := range names {
		key := strings.ToUpper(n)
		if !seen[key] {
			seen[key] = true
			continue
		}
		for k := 2; ; k++ {
			c := n + "_" + strconv.Itoa(k)
			if len(c) > maxDiscoveredName {
				c = n[:maxDiscoveredName-len(c)+len(n)] + "_" + strconv.Itoa(k)
			}
			if !seen[strings.ToUpper(c)] {
				names[i] = c
				seen[strings.ToUpper(c)] = true
				break
			}
		}
	}
}

func isReserved(name string) bool {
	_, ok := reservedWords[strings.ToUpper(name)]
	return ok
}

// reservedWords are SQL:2008's reserved words and the streaming keywords of
// KDA's dialect: an unquoted column of one of these names would not parse.
var reservedWords = func() map[string]struct{} {
	const words = `ABS ALL ALLOCATE ALTER AND ANY ARE ARRAY AS ASENSITIVE ASYMMETRIC AT ATOMIC AUTHORIZATION AVG
BEGIN BETWEEN BIGINT BINARY BLOB BOOLEAN BOTH BY CALL CALLED CARDINALITY CASCADED CASE CAST CEIL CEILING CHAR
CHAR_LENGTH CHARACTER CHARACTER_LENGTH CHECK CLOB CLOSE COALESCE COLLATE COLLECT COLUMN COMMIT CONDITION CONNECT
CONSTRAINT CONVERT CORR CORRESPONDING COUNT COVAR_POP COVAR_SAMP CREATE CROSS CUBE CUME_DIST CURRENT CURRENT_DATE
CURRENT_DEFAULT_TRANSFORM_GROUP CURRENT_PATH CURRENT_ROLE CURRENT_ROW_TIMESTAMP CURRENT_TIME CURRENT_TIMESTAMP
CURRENT_TRANSFORM_GROUP_FOR_TYPE CURRENT_USER CURSOR CYCLE DATE DAY DEALLOCATE DEC DECIMAL DECLARE DEFAULT DELETE
DENSE_RANK DEREF DESCRIBE DETERMINISTIC DISCONNECT DISTINCT DOUBLE DROP DYNAMIC EACH ELEMENT ELSE END END-EXEC
ESCAPE EVERY EXCEPT EXEC EXECUTE EXISTS EXP EXTERNAL EXTRACT FALSE FETCH FILTER FLOAT FLOOR FOR FOREIGN FREE FROM
FULL FUNCTION FUSION GET GLOBAL GRANT GROUP GROUPING HAVING HOLD HOUR IDENTITY IN INDICATOR INNER INOUT INSENSITIVE
INSERT INT INTEGER INTERSECT INTERSECTION INTERVAL INTO IS JOIN LANGUAGE LARGE LATERAL LEADING LEFT LIKE LIKE_REGEX
LN LOCAL LOCALTIME LOCALTIMESTAMP LOWER MATCH MAX MEMBER MERGE METHOD MIN MINUTE MOD MODIFIES MODULE MONTH MULTISET
NATIONAL NATURAL NCHAR NCLOB NEW NO NONE NORMALIZE NOT NULL NULLIF NUMERIC OCTET_LENGTH OCCURRENCES_REGEX OF OLD ON
ONLY OPEN OR ORDER OUT OUTER OVER OVERLAPS OVERLAY PARAMETER PARTITION PERCENT_RANK PERCENTILE_CONT
PERCENTILE_DISC POSITION POSITION_REGEX POWER PRECISION PREPARE PRIMARY PROCEDURE PUMP RANGE RANK READS REAL
RECURSIVE REF REFERENCES REFERENCING REGR_AVGX REGR_AVGY REGR_COUNT REGR_INTERCEPT REGR_R2 REGR_SLOPE REGR_SXX
REGR_SXY REGR_SYY RELEASE RESULT RETURN RETURNS REVOKE RIGHT ROLLBACK ROLLUP ROW ROW_NUMBER ROWS ROWTIME SAVEPOINT
SCOPE SCROLL SEARCH SECOND SELECT SENSITIVE SESSION_USER SET SIMILAR SMALLINT SOME SPECIFIC SPECIFICTYPE SQL
SQLEXCEPTION SQLSTATE SQLWARNING SQRT STAGGER START STATIC STDDEV_POP STDDEV_SAMP STEP STREAM SUBMULTISET
SUBSTRING SUBSTRING_REGEX SUM SYMMETRIC SYSTEM SYSTEM_USER TABLE TABLESAMPLE THEN TIME TIMESTAMP TIMEZONE_HOUR
TIMEZONE_MINUTE TINYINT TO TRAILING TRANSLATE TRANSLATE_REGEX TRANSLATION TREAT TRIGGER TRIM TRUE UESCAPE UNION
UNIQUE UNKNOWN UNNEST UPDATE UPPER USER USING VALUE VALUES VAR_POP VAR_SAMP VARBINARY VARCHAR VARYING WHEN WHENEVER
WHERE WIDTH_BUCKET WINDOW WINDOWED WITH WITHIN WITHOUT YEAR`
	m := map[string]struct{}{}
	for _, w := range strings.Fields(words) {
		m[w] = struct{}{}
	}
	return m
}()
