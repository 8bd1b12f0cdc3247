package jaeger

import (
	"context"
	"errors"
	"fmt"
	"net"
	"syscall"
	"time"

	"github.com/apache/thrift/lib/go/thrift"
	"github.com/jaegertracing/jaeger-idl/thrift-gen/agent"
	"github.com/jaegertracing/jaeger-idl/thrift-gen/jaeger"
)

const (
	// emitBatchOverhead bounds the bytes an emitBatch datagram adds around
	// its process and spans: the message header with its method name and
	// sequence id, the argument and batch struct framing and the span list
	// header. Jaeger's own clients reserve the same 70 bytes.
	emitBatchOverhead = 70
	// udpWriteTimeout bounds a datagram write when the context has no
	// deadline, so that a full socket buffer cannot hold an export forever.
	udpWriteTimeout = 2 * time.Second
)

// errSpanTooLarge reports a span that cannot fit in one datagram.
var errSpanTooLarge = errors.New("jaeger: span too large for one UDP datagram, dropped")

// datagramConn is the part of *net.UDPConn the UDP sender uses.
type datagramConn interface {
	Write(b []byte) (int, error)
	SetWriteDeadline(t time.Time) error
	Close() error
}

// udpSender encodes batches with the agent client's EmitBatch in thrift
// compact protocol into a memory buffer and writes each as one datagram.
type udpSender struct {
	conn    datagramConn
	max     int
	sem     chan struct{} // held while buf, sizer and client are in use
	buf     *thrift.TMemoryBuffer
	sizer   thrift.TProtocol // measures single structs in buf
	client  *agent.AgentClient
	pending []*jaeger.Span
}

// NewUDP returns an exporter that emits batches with thrift compact over UDP
// to host:port (an agent, or a collector's jaeger thrift_compact receiver),
// splitting batches so each datagram stays under maxPacketSize (default
// 65000 bytes; a single span larger than that is dropped with an error
// counted). hostPort is resolved once, here.
func NewUDP(hostPort string, opts ...Option) (*Exporter, error) {
	cfg := newConfig(opts)
	if cfg.maxPacketSize > maxUDPPayload {
		return nil, fmt.Errorf("jaeger: max packet size %d exceeds the UDP limit of %d bytes", cfg.maxPacketSize, maxUDPPayload)
	}
	addr, err := net.ResolveUDPAddr("udp", hostPort)
	if err != nil {
		return nil, fmt.Errorf("jaeger: resolve agent address: %w", err)
	}
	conn, err := net.DialUDP("udp", nil, addr)
	if err != nil {
		return nil, fmt.Errorf("jaeger: dial agent: %w", err)
	}
	return newExporter(newUDPSender(conn, cfg.maxPacketSize)), nil
}

func newUDPSender(conn datagramConn, maxPacket int) *udpSender {
	buf := thrift.NewTMemoryBufferLen(maxPacket)
	factory := thrift.NewTCompactProtocolFactoryConf(&thrift.TConfiguration{})
	return &udpSender{
		conn:   conn,
		max:    maxPacket,
		sem:    make(chan struct{}, 1),
		buf:    buf,
		sizer:  factory.GetProtocol(buf),
		client: agent.NewAgentClientFactory(buf, factory),
	}
}

// send packs b's spans into as few datagrams as fit and writes them. Spans
// that cannot fit on their own are dropped and counted.
func (u *udpSender) send(ctx context.Context, b *jaeger.Batch) (int, error) {
	if err := u.acquire(ctx); err != nil {
		return 0, err
	}
	defer u.release()
	procSize, err := u.size(ctx, b.Process)
	if err != nil {
		return len(b.Spans), fmt.Errorf("jaeger: encode process: %w", err)
	}
	dropped, errs := u.pack(ctx, b, emitBatchOverhead+procSize)
	errs = append(errs, u.flush(ctx, b.Process))
	return dropped, errors.Join(errs...)
}

// pack queues b's spans, flushing a datagram whenever the next span would
// overflow it, and stops when ctx ends. base is the size of a datagram
// without spans. The last datagram is left pending.
func (u *udpSender) pack(ctx context.Context, b *jaeger.Batch, base int) (dropped int, errs []error) {
	total := base
	u.pending = u.pending[:0]
	for _, s := range b.Spans {
		n, err := u.spanSize(ctx, s, base)
		if err != nil {
			dropped++
			errs = append(errs, err)
			continue
		}
		if total+n > u.max {
			if err := u.flush(ctx, b.Process); err != nil {
				errs = append(errs, err)
				if ctx.Err() != nil {
					return dropped, errs
				}
			}
			total = base
		}
		u.pending = append(u.pending, s)
		total += n
	}
	return dropped, errs
}

// spanSize measures s, failing when s alone would overflow a datagram.
func (u *udpSender) spanSize(ctx context.Context, s *jaeger.Span, base int) (int, error) {
	n, err := u.size(ctx, s)
	if err != nil {
		return 0, fmt.Errorf("jaeger: encode span %q: %w", s.OperationName, err)
	}
	if base+n > u.max {
		return 0, fmt.Errorf("%w: %q needs %d bytes, max %d", errSpanTooLarge, s.OperationName, base+n, u.max)
	}
	return n, nil
}

// size is the compact encoding's length of one struct.
func (u *udpSender) size(ctx context.Context, s thrift.TStruct) (int, error) {
	u.buf.Reset()
	err := s.Write(ctx, u.sizer)
	return u.buf.Len(), err
}

// flush sends the pending spans, if any, as one datagram and empties them.
func (u *udpSender) flush(ctx context.Context, p *jaeger.Process) error {
	if len(u.pending) == 0 {
		return nil
	}
	defer func() {
		clear(u.pending)
		u.pending = u.pending[:0]
	}()
	if err := ctx.Err(); err != nil {
		return err
	}
	u.buf.Reset()
	if err := u.client.EmitBatch(ctx, &jaeger.Batch{Process: p, Spans: u.pending}); err != nil {
		return fmt.Errorf("jaeger: encode batch: %w", err)
	}
	if u.buf.Len() > u.max {
		return fmt.Errorf("jaeger: datagram of %d bytes exceeds max %d", u.buf.Len(), u.max)
	}
	if err := u.write(u.buf.Bytes()); err != nil {
		return fmt.Errorf("jaeger: send %d spans: %w", len(u.pending), err)
	}
	return nil
}

// write sends one datagram. A connection refused error is the ICMP answer
// to an earlier datagram, and the kernel did not send this one, so it is
// sent again: once the receiver is back nothing more is lost, yet the
// refusal is still reported.
func (u *udpSender) write(p []byte) error {
	_, err := u.conn.Write(p)
	if !errors.Is(err, syscall.ECONNREFUSED) {
		return err
	}
	if _, err2 := u.conn.Write(p); err2 != nil {
		return err2
	}
	return fmt.Errorf("receiver refused an earlier datagram: %w", err)
}

// acquire takes the sender for one batch, giving up when ctx ends, and
// bounds its writes by ctx's deadline.
func (u *udpSender) acquire(ctx context.Context) error {
	select {
	case u.sem <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	deadline, ok := ctx.Deadline()
	if !ok {
		deadline = time.Now().Add(udpWriteTimeout)
	}
	if err := u.conn.SetWriteDeadline(deadline); err != nil {
		u.release()
		return fmt.Errorf("jaeger: set write deadline: %w", err)
	}
	return nil
}

func (u *udpSender) release() {
	<-u.sem
}

func (u *udpSender) close() error {
	return u.conn.Close()
}
