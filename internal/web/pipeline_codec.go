package web

import (
	"encoding/binary"
	"errors"
	"math"
	"time"

	"github.com/alexedwards/scs/v2"
)

// SessionCodec encodes session data in a small binary format instead of scs's default
// gob: gob builds its decoder from the type descriptions carried by every encoded
// session, which cost a quarter of a signed-in request's overhead (~20 µs per
// request). Values of types other than those below make the whole session fall back to
// gob, and data that does not start with the format's mark (sessions written before)
// is decoded as gob, so nobody is signed out by the change.
//
// Layout: 0x80 'P' (0x80 is never the first byte of a gob stream: it would announce a
// 128-byte length prefix), the deadline in unix nanoseconds (varint), the number of
// values (uvarint), then per value: key (uvarint length + bytes), one type byte, the
// value.
type SessionCodec struct{}

const (
	codecMark0, codecMark1 = 0x80, 'P'

	tString  = 's'
	tInt64   = 'i'
	tInt     = 'n'
	tBool    = 'b'
	tFloat64 = 'f'
	tBytes   = 'y'
	tTime    = 't'
)

var errSessionData = errors.New("web: malformed session data")

// Encode implements scs.Codec.
func (SessionCodec) Encode(deadline time.Time, values map[string]any) ([]byte, error) {
	b := make([]byte, 0, 64+16*len(values))
	b = append(b, codecMark0, codecMark1)
	b = binary.AppendVarint(b, deadline.UnixNano())
	b = binary.AppendUvarint(b, uint64(len(values)))
	for k, v := range values {
		b = appendString(b, k)
		switch x := v.(type) {
		case string:
			b = appendString(append(b, tString), x)
		case int64:
			b = binary.AppendVarint(append(b, tInt64), x)
		case int:
			b = binary.AppendVarint(append(b, tInt), int64(x))
		case bool:
			c := byte(0)
			if x {
				c = 1
			}
			b = append(b, tBool, c)
		case float64:
			b = binary.LittleEndian.AppendUint64(append(b, tFloat64), math.Float64bits(x))
		case []byte:
			b = appendString(append(b, tBytes), string(x))
		case time.Time:
			tb, err := x.MarshalBinary()
			if err != nil {
				return nil, err
			}
			b = appendString(append(b, tTime), string(tb))
		default:
			return scs.GobCodec{}.Encode(deadline, values)
		}
	}
	return b, nil
}

// Decode implements scs.Codec.
func (SessionCodec) Decode(b []byte) (time.Time, map[string]any, error) {
	if len(b) < 2 || b[0] != codecMark0 || b[1] != codecMark1 {
		return scs.GobCodec{}.Decode(b)
	}
	d := decoder{b: b[2:]}
	deadline := d.varint()
	n := d.uvarint()
	if d.err != nil || n > uint64(len(d.b)) {
		return time.Time{}, nil, errSessionData
	}
	values := make(map[string]any, n)
	for i := uint64(0); i < n && d.err == nil; i++ {
		k := d.str()
		switch d.byte() {
		case tString:
			values[k] = d.str()
		case tInt64:
			values[k] = d.varint()
		case tInt:
			values[k] = int(d.varint())
		case tBool:
			values[k] = d.byte() == 1
		case tFloat64:
			values[k] = math.Float64frombits(d.uint64())
		case tBytes:
			values[k] = []byte(d.str())
		case tTime:
			var t time.Time
			if err := t.UnmarshalBinary([]byte(d.str())); err != nil {
				return time.Time{}, nil, errSessionData
			}
			values[k] = t
		default:
			return time.Time{}, nil, errSessionData
		}
	}
	if d.err != nil || len(d.b) != 0 {
		return time.Time{}, nil, errSessionData
	}
	return time.Unix(0, deadline).UTC(), values, nil
}

func appendString(b []byte, s string) []byte {
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
}

// decoder reads the format; the first error sticks and later reads return zero values.
type decoder struct {
	b   []byte
	err error
}

func (d *decoder) fail() { d.err, d.b = errSessionData, nil }

func (d *decoder) byte() byte {
	if len(d.b) < 1 {
		d.fail()
		return 0
	}
	c := d.b[0]
	d.b = d.b[1:]
	return c
}

func (d *decoder) varint() int64 { return readVarint(d, binary.Varint) }

func (d *decoder) uvarint() uint64 { return readVarint(d, binary.Uvarint) }

// readVarint reads one value with binary.Varint or binary.Uvarint.
func readVarint[T int64 | uint64](d *decoder, read func([]byte) (T, int)) T {
	v, n := read(d.b)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) uint64() uint64 {
	if len(d.b) < 8 {
		d.fail()
		return 0
	}
	v := binary.LittleEndian.Uint64(d.b)
	d.b = d.b[8:]
	return v
}

func (d *decoder) str() string {
	n := d.uvarint()
	if d.err != nil || n > uint64(len(d.b)) {
		d.fail()
		return ""
	}
	s := string(d.b[:n])
	d.b = d.b[n:]
	return s
}
