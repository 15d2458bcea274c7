// fuzz-cfg seed 512
.text
.global _start
_start:
  movz x0, #52201
  movk x0, #27082, lsl #16
  movk x0, #13677, lsl #32
  movk x0, #14925, lsl #48
  movz x1, #41478
  movk x1, #52359, lsl #16
  movk x1, #46823, lsl #32
  movk x1, #26796, lsl #48
  movz x2, #48467
  movk x2, #37270, lsl #16
  movk x2, #0, lsl #32
  movk x2, #0, lsl #48
  movz x3, #0
  movk x3, #0, lsl #16
  movk x3, #0, lsl #32
  movk x3, #0, lsl #48
  movz x4, #34646
  movk x4, #25744, lsl #16
  movk x4, #47874, lsl #32
  movk x4, #28601, lsl #48
  movz x5, #1491
  movk x5, #25536, lsl #16
  movk x5, #55508, lsl #32
  movk x5, #9471, lsl #48
  movz x6, #8694
  movk x6, #62774, lsl #16
  movk x6, #50665, lsl #32
  movk x6, #41547, lsl #48
  movz x7, #65049
  movk x7, #25689, lsl #16
  movk x7, #52597, lsl #32
  movk x7, #42977, lsl #48
  movz x8, #11962
  movk x8, #35295, lsl #16
  movk x8, #34209, lsl #32
  movk x8, #37080, lsl #48
  movz x9, #13162
  movk x9, #11544, lsl #16
  movk x9, #37715, lsl #32
  movk x9, #17126, lsl #48
  movz x10, #65048
  movk x10, #48730, lsl #16
  movk x10, #36172, lsl #32
  movk x10, #52004, lsl #48
  movz x11, #0
  movk x11, #0, lsl #16
  movk x11, #0, lsl #32
  movk x11, #0, lsl #48
  movz x12, #8801
  movk x12, #57155, lsl #16
  movk x12, #22085, lsl #32
  movk x12, #61112, lsl #48
  movz x13, #47852
  movk x13, #8453, lsl #16
  movk x13, #43180, lsl #32
  movk x13, #17928, lsl #48
  movz x14, #57787
  movk x14, #54220, lsl #16
  movk x14, #41924, lsl #32
  movk x14, #31029, lsl #48
  movz x15, #19551
  movk x15, #42610, lsl #16
  movk x15, #0, lsl #32
  movk x15, #0, lsl #48
  mov x19, #0
  cmp x0, x0
  bl f0
  adrp x20, steps
  ldr x20, [x20, :lo12:steps]
  adrp x16, regs
  add x16, x16, :lo12:regs
  stp x0, x1, [x16, #0]
  stp x2, x3, [x16, #16]
  stp x4, x5, [x16, #32]
  stp x6, x7, [x16, #48]
  stp x8, x9, [x16, #64]
  stp x10, x11, [x16, #80]
  stp x12, x13, [x16, #96]
  stp x14, x15, [x16, #112]
  stp x19, x20, [x16, #128]
  mov x20, x16
  mov x21, #18
  adrp x22, text
  add x22, x22, :lo12:text
.Lhex:
  ldr x23, [x20], #8
  mov x24, #16
.Lnib:
  ror x23, x23, #60
  and x25, x23, #0xf
  add x26, x25, #48
  add x27, x25, #87
  cmp x25, #10
  csel x26, x26, x27, lo
  strb w26, [x22], #1
  subs x24, x24, #1
  b.ne .Lnib
  mov w26, #10
  strb w26, [x22], #1
  subs x21, x21, #1
  b.ne .Lhex
  mov x0, #1
  adrp x1, text
  add x1, x1, :lo12:text
  mov x2, #(18 * 17)
  mov x8, #64
  svc #0
  ldr x0, [x16]
  ldr x1, [x16, #128]
  eor x0, x0, x1
  eor x0, x0, x0, lsr #32
  eor x0, x0, x0, lsr #16
  eor x0, x0, x0, lsr #8
  and x0, x0, #0x7f
  mov x8, #94
  svc #0

f0:
  stp x29, x30, [sp, #-64]!
  mov x29, sp
  stp x21, x22, [sp, #16]
  stp x23, x24, [sp, #32]
  cmp x10, x7
.Lf0_0:
.Lf0_1:
.Lf0_2:
.Lf0_3:
.Lf0_4:
  cmp x9, x9
.Lf0_5:
.Lf0_6:
  bl f2
  cmp x13, x2
.Lf0_7:
  cmp x15, x11
.Lf0_8:
.Lf0_9:
.Lf0_10:
  b.vc .Lf0_19
.Lf0_11:
.Lf0_12:
.Lf0_13:
.Lf0_14:
  cmp x5, x4
.Lf0_15:
.balign 4
.Ltbl0:
.byte (.Lf0_16 - .Ljt0_base) / 4
.byte (.Lf0_16 - .Ljt0_base) / 4
.byte (.Lf0_16 - .Ljt0_base) / 4
.balign 4
.Ljt0_base:
.Lf0_16:
  cmp x0, x13
.Lf0_17:
.Lf0_18:
.Lf0_19:
.Lf0_20:
  ldp x21, x22, [sp, #16]
  ldp x23, x24, [sp, #32]
  ldp x29, x30, [sp], #64
  ret

f1:
  stp x29, x30, [sp, #-64]!
  mov x29, sp
  stp x21, x22, [sp, #16]
  stp x23, x24, [sp, #32]
  cmp x0, x4
.Lf1_0:
.Lf1_1:
.Lf1_2:
.Lf1_3:
.Lf1_4:
.Lf1_5:
.Lf1_6:
.Lf1_7:
.Lf1_8:
.Lf1_9:
  cmp x11, x2
.Lf1_10:
.Lf1_11:
.Lf1_loop1:
.Lf1_12:
.Lf1_loop0:
.Lf1_12_next:
  cmp x3, x7
.Lf1_13:
.Lf1_13_next:
.Lf1_14:
  ldp x21, x22, [sp, #16]
  ldp x23, x24, [sp, #32]
  ldp x29, x30, [sp], #64
  ret

f2:
  stp x29, x30, [sp, #-64]!
  mov x29, sp
  stp x21, x22, [sp, #16]
  stp x23, x24, [sp, #32]
  cmp x15, x4
.Lf2_0:
.Lf2_1:
.Lf2_2:
.Lf2_3:
.Lf2_4:
  cmp x8, x3
.Lf2_5:
.Lf2_6:
.Lf2_7:
.Lf2_8:
.Lf2_9:
.Lf2_10:
.Lf2_11:
.Lf2_12:
  cmp x3, x12
.Lf2_13:
.Lf2_14:
.Lf2_15:
.Lf2_16:
.Lf2_17:
  adr x17, .Lf2_35
.Ljt1_base:
.Lf2_18:
  cmp x11, x11
.Lf2_19:
  cmp x12, x13
.Lf2_20:
  cmp x14, x11
.Lf2_21:
.Lf2_21_next:
.Lf2_22:
.Lf2_23:
  cmp x6, x12
.Lf2_24:
.Lf2_25:
  cmp x6, x10
  adr x17, .Ltbl2
  ldrh w16, [x17, w16, uxtw #1]
  adr x17, .Ljt2_base
  add x16, x17, w16, uxth #2
  br x16
.balign 4
.Ltbl2:
.hword (.Lf2_27 - .Ljt2_base) / 4
.hword (.Lf2_26 - .Ljt2_base) / 4
.hword (.Lf2_26 - .Ljt2_base) / 4
.hword (.Lf2_26 - .Ljt2_base) / 4
.hword (.Lf2_30 - .Ljt2_base) / 4
.hword (.Lf2_33 - .Ljt2_base) / 4
.hword (.Lf2_29 - .Ljt2_base) / 4
.hword (.Lf2_26 - .Ljt2_base) / 4
.balign 4
.Ljt2_base:
.Lf2_26:
  cmp x15, x9
  ldp x21, x22, [sp, #16]
  ldp x23, x24, [sp, #32]
  ldp x29, x30, [sp], #64
  ret
.Lf2_27:
  cmp x9, x8
.Lf2_28:
.Lf2_29:
  cmp x9, x14
.Lf2_30:
  cmp x1, x2
.Lf2_31:
  cmp x14, x2
  cmp x6, x1
.Lf2_32:
.Lf2_33:
  cmp x6, x9
.Lf2_34:
.Lf2_35:
  cset w17, cs
  add x19, x19, x17, lsl #2
  ldp x21, x22, [sp, #16]
  ldp x23, x24, [sp, #32]
  ldp x29, x30, [sp], #64
  ret

f3:
  stp x29, x30, [sp, #-64]!
  mov x29, sp
  stp x21, x22, [sp, #16]
  stp x23, x24, [sp, #32]
  cmp x13, x14
.Lf3_0:
  ldp x21, x22, [sp, #16]
  ldp x23, x24, [sp, #32]
  ldp x29, x30, [sp], #64
  ret
.Lf3_1:
.Lf3_2:
.Lf3_3:
.Ljt3_base:
.Lf3_4:
  cmp x6, x2
.Lf3_5:
.Lf3_6:
.Ljt4_base:
.Lf3_7:
  cmp x4, x7
  ldp x21, x22, [sp, #16]
  ldp x23, x24, [sp, #32]
  ldp x29, x30, [sp], #64
  ret
.Lf3_8:
  cmp x7, x13
  ldp x21, x22, [sp, #16]
  ldp x23, x24, [sp, #32]
  ldp x29, x30, [sp], #64
  ret
.Lf3_9:
.Lf3_10:
.Lf3_11:
  cmp x12, x12
.Lf3_12:
.Lf3_13:
.Lf3_14:
.Ljt5_base:
.Lf3_15:
  cmp x4, x5
.Lf3_16:
  cmp x2, x12
.Lf3_17:
  cmp x3, x9
.Ljt6_base:
.Lf3_18:
.Lf3_19:
  cmp x3, x12
  ldp x21, x22, [sp, #16]
  ldp x23, x24, [sp, #32]
  ldp x29, x30, [sp], #64
  ret
.Lf3_20:
  cmp x11, x5
.Lf3_21:
.Lf3_22:
.Lf3_23:
  cmp x9, x10
.Lf3_24:
.Lf3_25:
  cmp x4, x6
.Lf3_26:
  cmp x1, x3
.Lf3_27:
  cmp x12, x0
.Lf3_28:
  cmp x11, x3
  ldp x21, x22, [sp, #16]
  ldp x23, x24, [sp, #32]
  ldp x29, x30, [sp], #64
  ret

.section .rodata
.balign 4
.Ltbl1:
.hword (.Lf2_25 - .Lf2_35) / 4
.hword (.Lf2_26 - .Lf2_35) / 4
.hword (.Lf2_31 - .Lf2_35) / 4
.hword (.Lf2_19 - .Lf2_35) / 4
.hword (.Lf2_26 - .Lf2_35) / 4
.hword (.Lf2_20 - .Lf2_35) / 4
.hword (.Lf2_18 - .Lf2_35) / 4
.hword (.Lf2_27 - .Lf2_35) / 4
.hword (.Lf2_18 - .Lf2_35) / 4
.balign 8
.Ltbl3:
.quad .Lf3_11
.quad .Lf3_7
.quad .Lf3_4
.quad .Lf3_23
.quad .Lf3_4
.quad .Lf3_16
.quad .Lf3_27
.quad .Lf3_8
.quad .Lf3_23
.quad .Lf3_4
.balign 8
.Ltbl4:
.quad .Lf3_27
.quad .Lf3_26
.quad .Lf3_7
.quad .Lf3_15
.quad .Lf3_7
.quad .Lf3_7
.balign 4
.Ltbl5:
.byte (.Lf3_17 - .Ljt5_base) / 4
.byte (.Lf3_15 - .Ljt5_base) / 4
.byte (.Lf3_15 - .Ljt5_base) / 4
.byte (.Lf3_15 - .Ljt5_base) / 4
.byte (.Lf3_17 - .Ljt5_base) / 4
.byte (.Lf3_16 - .Ljt5_base) / 4
.byte (.Lf3_16 - .Ljt5_base) / 4
.balign 4
.Ltbl6:
.word .Lf3_19 - .Ltbl6
.word .Lf3_20 - .Ltbl6
.word .Lf3_20 - .Ltbl6
.word .Lf3_25 - .Ltbl6
.word .Lf3_20 - .Ltbl6
.word .Lf3_28 - .Ltbl6
.word .Lf3_25 - .Ltbl6
.word .Lf3_26 - .Ltbl6
.word .Lf3_27 - .Ltbl6

.bss
.balign 8
  steps: .skip 8
  regs: .skip 144
  text: .skip 320
