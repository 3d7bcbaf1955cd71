// Package client starts and supervises gopad kernel processes.
//
// A kernel is a separate process (`gopad kernel`) that runs Go cells. The client
// speaks to it over two pipes that are not its stdout or stderr (file descriptors 3
// and 4 in the child), using the JSON-line messages of package protocol. A *Kernel is
// a long-lived handle: it survives restarts, so a caller keeps one per notebook.
//
// The whole API:
//
//	k, err := client.Start(ctx, client.Options{})      // spawn, wait for kernel_info_reply
//	reply, err := k.Execute(ctx, code, func(m protocol.Message) {
//		// stream, display_data, update_display_data, execute_result, error, status,
//		// in the order the kernel sent them, while the cell runs
//	})
//	comp, err := k.Complete(ctx, code, cursorPos)   // protocol.CompleteReplyContent (kinds, signatures in Metadata)
//	doc, err := k.Inspect(ctx, code, cursorPos, 0)  // protocol.InspectReplyContent: docs of the name at the cursor
//	err = k.Interrupt()                              // stop the running cell
//	err = k.Restart(ctx)                             // fresh process, state gone
//	err = k.Shutdown(ctx)                            // stop for good
//	k.State()                                        // Starting, Idle, Busy, Restarting, Dead
//	<-k.Done()                                       // the current process has exited; State says so
//	k.Err()                                          // why it exited (*DiedError), nil while alive
//	k.Info()                                         // the kernel_info_reply content
//
// Execute runs one cell at a time; concurrent calls queue in call order. It returns
// once the kernel reported idle after the cell, so every output of the cell has been
// passed to onOutput by then. A cell that fails (compile error, panic, interrupt)
// is not a Go error: the reply has Status "error" with ename, evalue and traceback.
// Execute returns a Go error only when the kernel could not answer:
//
//   - *DiedError: the kernel process died while the cell ran (a panic in a goroutine
//     the cell started, os.Exit, a signal), was restarted, or was stopped by the
//     client because its message channel broke (an unreadable or oversized message,
//     a channel closed while the process ran on). Reason says why ("stack overflow
//     in cell 3, line 2: ..." for a recursion without end, which a kernel's
//     64 MiB stack limit ends in about half a second), Output holds the end of the
//     process's own stderr (a Go panic trace). When Restarted is true the client
//     already started a fresh kernel (see interrupt escalation below); otherwise
//     the handle is Dead until Restart is called.
//   - ErrShutdown after Shutdown; a wrapped ctx.Err() when ctx ended (the cell is
//     then interrupted, as by Interrupt, before Execute returns); a wrapped
//     *protocol.TooLargeError for code larger than protocol.MaxMessageSize.
//
// The kernel never sends a message over protocol.MaxMessageSize: an output that
// large (a display, a cell's result) is replaced by an "OutputTooLarge" error
// output naming its size and the limit, and the cell runs on.
//
// Interrupt escalation: Interrupt asks the kernel to stop the running cell. The
// kernel stops interpreted loops, sleeps and channel operations cooperatively within
// milliseconds and reports an "Interrupted" error reply with state intact. A cell
// blocked where that cannot reach (a long compiled call, sync.WaitGroup.Wait) gets
// 0.8 s to return; then the kernel cancels its interpreter, which damages it, and
// says so with state_lost in the execute_reply. The client then replaces the
// process and the Execute call returns a *DiedError with Restarted set, telling the
// user that the kernel's state was lost (the cell's error output is delivered
// first). The same happens if the kernel process does not answer at all within
// Options.InterruptGrace (default 2s) of the interrupt: it is killed and replaced.
//
// Output that arrives when no Execute is waiting for it (a goroutine left running by
// an earlier cell that prints later) goes to Options.OnOutput, with ParentID naming
// the cell that started it. State changes (including a death between cells) are
// reported to Options.OnState in order.
//
// Tests and embedders choose the executable with Options.Command and Options.Args;
// by default the client runs os.Executable() with the single argument "kernel".
package client
