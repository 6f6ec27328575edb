package client

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
	"unicode/utf16"
)

// item is one record of input, or the error that ended the input.
type item struct {
	where string // "argument 2", "line 7"
	data  []byte
	err   error
}

// input sends the records of the arguments, then of stdin's lines when
// asked, on the channel it returns, which it closes at the end.
func (p *putCmd) input(ctx context.Context, stdin io.Reader) <-chan item {
	ch := make(chan item, 2*maxBatchRecords)
	send := func(it item) bool {
		select {
		case ch <- it:
			return true
		case <-ctx.Done():
			return false
		}
	}
	go func() {
		defer close(ch)
		for i, a := range p.records {
			if !send(item{where: "argument " + strconv.Itoa(i+1), data: []byte(a)}) {
				return
			}
		}
		if !p.stdin {
			return
		}
		r := bufio.NewReaderSize(stdin, 64<<10)
		for n := 1; ; n++ {
			line, err := r.ReadBytes('\n')
			line = bytes.TrimSuffix(bytes.TrimSuffix(line, []byte("\n")), []byte("\r"))
			if len(line) > 0 && !send(item{where: "line " + strconv.Itoa(n), data: line}) {
				return
			}
			if err != nil {
				if !errors.Is(err, io.EOF) {
					send(item{err: fmt.Errorf("reading stdin: %w", err)})
				}
				return
			}
		}
	}()
	return ch
}

// key picks a record's partition key (see putUsage).
func (p *putCmd) key(data []byte) (string, error) {
	if p.keyField != "" {
		k, err := fieldKey(data, p.keyField)
		if err == nil || p.partitionKey == "" && !p.randomKey {
			return k, err
		}
	}
	if p.partitionKey != "" {
		return p.partitionKey, nil
	}
	return strconv.FormatUint(rand.Uint64(), 36), nil
}

// fieldKey returns the top-level field of a JSON object as a partition
// key: a string as it is, a number or boolean as its JSON text.
func fieldKey(data []byte, field string) (string, error) {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(data, &obj); err != nil {
		return "", errors.New("not a JSON object, so no key field")
	}
	raw, ok := obj[field]
	if !ok {
		return "", fmt.Errorf("no field %q for the partition key", field)
	}
	var key string
	switch raw[0] {
	case '"':
		if err := json.Unmarshal(raw, &key); err != nil {
			return "", err
		}
	case '{', '[', 'n':
		return "", fmt.Errorf("field %q is not a string, number or boolean", field)
	default:
		key = string(raw)
	}
	if !validKey(key) {
		return "", fmt.Errorf("field %q is not a partition key of 1 to 256 characters", field)
	}
	return key, nil
}

// validKey checks a partition key's length as AWS counts it (UTF-16 code
// units).
func validKey(k string) bool {
	n := 0
	for _, r := range k {
		n += utf16.RuneLen(r)
	}
	return n >= 1 && n <= 256
}
