/* Solver "expint" for lif_cond_exp (see expint_kernel.h).
 *
 * The neuron's open step is [ta, tb]: its description c (the neuron's y_prev)
 * and the state y at tb. c[0 .. 3) is the state at ta; c[KIND] says what the
 * rest holds:
 *   LIVE   c[3 .. 8) the quartic's coefficients a_0 .. a_4 in theta = beta / B,
 *          c[8] = B = beta(tb - ta);
 *   REFR   nothing: v is clamped, the conductances decay;
 *   TAYLOR c[3 k + i], k <= K: the Taylor coefficients (negative conductances);
 *   LAZY   nothing yet: a step proved free of threshold crossings but not
 *          computed, and y is not its end state (see take_step);
 *   DONE   (after a LAZY step was cut) y holds the state where it was cut.
 * ta == tb means there is no step: y alone is the state. */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "expint_kernel.h"
#include "models/lif_cond_exp.h"
#include "root.h"

extern const ember_model ember_lif_cond_exp;

enum { LIVE = 0, REFR = 1, TAYLOR = 2, LAZY = 3, DONE = 4 };
#define NDEG 4   /* degree of the interpolant of v_inf */

int expint_supports(const ember_model *m) { return m == &ember_lif_cond_exp; }

size_t expint_pending(size_t K) { return K + 2; }

static inline size_t kind_slot(size_t K) { return (K + 1) * CE_N_STATE; }

static inline double dmax(double a, double b) { return a > b ? a : b; }
static inline double dmin(double a, double b) { return a < b ? a : b; }

/* Four doubles side by side (GCC's vector extension: plain x86-64 runs an
 * operation as two SSE2 instructions). The lanes of a fit are its nodes
 * t = h/4 .. h or the psi_k, k = 1 .. 4: independent work whose dependency
 * chains then overlap (a fit is bound by the latency of its longest chain, not
 * by its instruction count). */
typedef double v4d __attribute__((vector_size(32)));

static const v4d NODE = {1, 2, 3, 4};

/* psi_k(x) = x integral_0^1 e^(-x (1 - th)) th^k dth, k = 0 .. NDEG: the integral
 * of (s / x)^k against e^(-(x - s)) over [0, x]. psi_0 = 1 - e^(-x) and
 * psi_k = 1 - (k / x) psi_(k-1), which upwards loses a factor k / x of accuracy
 * per step: it serves from x = 4 (0.1 % of COBA's fits). Below, psi_1 .. psi_4
 * side by side, one lane each, as x P_k(x), P_k = k! sum_m (-x)^m / (k + m + 1)!
 * by its Taylor polynomial of degree 11 around the middle of the interval of
 * width 1/2 that holds x (|P_k^(n)| / n! <= k! / (k + n + 1)!: the terms left
 * out are below 1.3e-18 relative on [0, 4), computed in exact arithmetic
 * against quadrature), by Estrin's scheme (depth 4 instead of a chain of 11);
 * then psi_0 = x (1 - psi_1), downwards and stable. Returns e^(-x); psi_0 into
 * *p0, psi_1 .. psi_4 into *pk. */
static const v4d psi_taylor[8][12] = {
  {
    /* [0.0, 0.5): center 0.25 */
    {0.4608125291424779, 0.3134997668601769, 0.23800279767787763, 0.191955237153958},
    {-0.14731276228230103, -0.07549696918229924, -0.04604756052391962, -0.03105998023311814},
    {0.035907896550000894, 0.01472470432918981, 0.0074937901454007385, 0.004339278606060744},
    {-0.007061064073603694, -0.0024103047279296907, -0.0010515038464466648, -0.0005330528810963397},
    {0.0011626898364185008, 0.0003397002203707565, 0.0001296127413375813, 5.840766298405772e-05},
    {-0.00016459792320954887, -4.201749580663504e-05, -1.4241015670704717e-05, -5.77440120495541e-06},
    {2.0430071233818973e-05, 4.629413355988387e-06, 1.4111024109582179e-06, 5.199662444901543e-07},
    {-2.2572368396900833e-06, -4.597587064328814e-07, -1.273051666382948e-07, -4.298231174790071e-08},
    {2.2468476665715026e-07, 4.1556692474323324e-08, 1.054035686129926e-08, 3.283537210814678e-09},
    {-2.034756379809188e-08, -3.446259512558229e-09, -8.063132944982868e-10, -2.331361312861223e-10},
    {1.6901304285533652e-09, 2.639946218059942e-10, 5.731771632121645e-11, 1.5461064005025912e-11},
    {-1.2964870970430646e-10, -1.8788809589525252e-11, -3.805150210562777e-12, -9.618526510992173e-13},
  },
  {
    /* [0.5, 1.0): center 0.75 */
    {0.39531831598402617, 0.27915115737593027, 0.21672870382961223, 0.1774469129087348},
    {-0.11616715860809587, -0.062422453546318056, -0.03928179092087742, -0.02709299896696683},
    {0.026872352530888908, 0.011570331312720316, 0.006094395976955295, 0.0036205534121942023},
    {-0.0051006737393895305, -0.0018253117785883405, -0.0008246141882536975, -0.00042946221223921706},
    {0.0008188404902002975, 0.0002501743975836608, 9.87879940036201e-05, 4.5746981632982235e-05},
    {-0.00011373321852332734, -3.027728071600814e-05, -1.0608202474127571e-05, -4.418895648629272e-06},
    {1.3909322967886533e-05, 3.2781797069800947e-06, 1.0315511375830497e-06, 3.9025479772943044e-07},
    {-1.5187347515580627e-06, -3.209469384852921e-07, -9.161376283623134e-08, -3.1732995179340074e-08},
    {1.4972347663409633e-07, 2.8666646956132595e-08, 7.485095957111408e-09, 2.390148467859257e-09},
    {-1.3450758853107081e-08, -2.3535056665579096e-09, -5.661052765835723e-10, -1.6763648203329014e-10},
    {1.1097253186549171e-09, 1.7874003899743372e-10, 3.984687945502822e-11, 1.099861895090301e-11},
    {-8.463502542340759e-11, -1.2626650867491409e-11, -2.6225691367386555e-12, -6.777898719311841e-13},
  },
  {
    /* [1.0, 1.5): center 1.25 */
    {0.3433630699905217, 0.25061908801516536, 0.1985141887636032, 0.1647545959564698},
    {-0.09274398197535633, -0.05210489925156215, -0.0337595928071334, -0.023772979782348953},
    {0.02031954136189709, 0.009172653222214373, 0.0049933065123922244, 0.003039802986224042},
    {-0.003715629379894239, -0.0013931155699407163, -0.0006511678420560609, -0.0003481052943998388},
    {0.0005806284524883807, 0.00018548693197116382, 7.576563691405552e-05, 3.603419739489336e-05},
    {-7.902830410344337e-05, -2.194425901142166e-05, -7.946287903832432e-06, -3.399236623650905e-06},
    {9.514007515336952e-06, 2.3329951845982046e-06, 7.578418800302546e-07, 2.9429528282390934e-07},
    {-1.0258589043912496e-06, -2.2502190065256432e-07, -6.622094245804933e-08, -2.3529210393369627e-08},
    {1.0010462546733567e-07, 1.9850119774314372e-08, 5.336466508084962e-09, 1.7466754888238226e-09},
    {-8.917167299224588e-09, -1.6126281406921569e-09, -3.988656688067933e-10, -1.2097025087731954e-10},
    {7.304539158532432e-10, 1.2137624718853634e-10, 2.7789541792947373e-11, 7.849666964424051e-12},
    {-5.5370697151336984e-11, -8.507882308689908e-12, -1.8127158935021199e-12, -4.790427123324578e-13},
  },
  {
    /* [1.5, 2.0): center 1.75 */
    {0.3016404713307576, 0.2266966041934199, 0.18280582138270876, 0.15358669398238},
    {-0.0749438671373377, -0.04389078281071114, -0.029219127400328757, -0.020977248217751408},
    {0.015526542163313279, 0.007335827705191192, 0.004120939591288676, 0.0025677084871981175},
    {-0.002730238152707362, -0.0010716293713008388, -0.0005177437013635193, -0.0002838478181394515},
    {0.00041465219535163076, 0.00013847141748432989, 5.8473970806016956e-05, 2.854396280879068e-05},
    {-5.523615557346018e-05, -1.5999489335662587e-05, -5.986001599445255e-06, -2.628546520576948e-06},
    {6.539444372966266e-06, 1.6689146227028886e-06, 5.595758464780512e-07, 2.2299607695128203e-07},
    {-6.957899643233396e-07, -1.5847696803211963e-07, -4.808282421810987e-08, -1.7522731473624313e-08},
    {6.716412453640249e-08, 1.3799267976751218e-08, 3.820011593060695e-09, 1.2815343436465917e-09},
    {-5.929428506627919e-09, -1.1088062648545027e-09, -2.8205302771267813e-10, -8.76127044547881e-11},
    {4.820622241773417e-10, 8.267532371418246e-11, 1.9444032325789004e-11, 5.6209000866469034e-12},
    {-3.6307900042105385e-11, -5.748299217126678e-12, -1.2566483853765544e-12, -3.3960374008039196e-13},
  },
  {
    /* [2.0, 2.5): center 2.25 */
    {0.2677331801603683, 0.20645939541300598, 0.16916525056043646, 0.14370622122589075},
    {-0.061273784747362274, -0.03729414485256952, -0.025459029334545726, -0.018608935061203483},
    {0.011989819947396375, 0.005917557759011901, 0.0034250471366711215, 0.002181665117563998},
    {-0.002024087396128158, -0.000830836874113593, -0.00041446067303570785, -0.00023280996685385186},
    {0.0002983126305036413, 0.00010409405026947128, 4.5412676545464e-05, 2.273744918755372e-05},
    {-3.8843716046834e-05, -1.1736274744801458e-05, -4.535045471582056e-06, -2.0432299116557767e-06},
    {4.517906883672091e-06, 1.2002048788699004e-06, 4.1530259332104645e-07, 1.6978646149848494e-07},
    {-4.739574292574558e-07, -1.1212889793555056e-07, -3.5073733117508786e-08, -1.3107346234866585e-08},
    {4.522856641523815e-08, 9.631895602255222e-09, 2.745798360330275e-09, 9.440679082424379e-10},
    {-3.955185645886993e-09, -7.651219157694385e-10, -2.0019227245420413e-10, -6.368836374472059e-11},
    {3.190063730117554e-10, 5.649296433152344e-11, 1.3650390870948353e-11, 4.0385778937454115e-12},
    {-2.386485533456654e-11, -3.894779405506826e-12, -8.73801179745722e-13, -2.414991887833437e-13},
  },
  {
    /* [2.5, 3.0): center 2.75 */
    {0.23985822958105224, 0.18919401485014384, 0.1572428928907522, 0.13491942852254227},
    {-0.050664214730908416, -0.031951121959391635, -0.022323464368209926, -0.01659111674534639},
    {0.00935654638575839, 0.0048138287955908545, 0.002866173811431767, 0.0018641532725888442},
    {-0.001514239196722512, -0.0006492183280530292, -0.0003340068462809743, -0.00019204577725998064},
    {0.00021625521716737075, 7.880287044301372e-05, 3.549026725524842e-05, 1.8212621177813442e-05},
    {-2.7490469344871405e-05, -8.662520637553062e-06, -3.4555292154869956e-06, -1.5965470239510768e-06},
    {3.1379914512197236e-06, 8.678319036776776e-07, 3.0983036525598645e-07, 1.299002047007749e-07},
    {-3.243085067917209e-07, -7.971450548881301e-08, -2.5704308650744505e-08, -9.848352762835233e-09},
    {3.0574250162863485e-08, 6.751274604758564e-09, 1.9819944859886592e-09, 6.983181159565805e-10},
    {-2.64699728423388e-09, -5.299200131966561e-10, -1.4263070778134207e-10, -4.647101266589537e-11},
    {2.1170772710372237e-10, 3.8728930541531405e-11, 9.615969511544669e-12, 2.911685316260617e-12},
    {-1.572534514201736e-11, -2.6466328209078854e-12, -6.094803813894593e-13, -1.722777420737381e-13},
  },
  {
    /* [3.0, 3.5): center 3.25 */
    {0.21668868239826955, 0.17434542621644952, 0.14675806810789277, 0.12706699309797814},
    {-0.04234325618182003, -0.027587358108556757, -0.01969107500991461, -0.014862367094867603},
    {0.0073779490366316335, 0.003948141549321074, 0.002414353957523504, 0.0016015234660841807},
    {-0.0011432691624368532, -0.0005112625305991901, -0.00027094349714644104, -0.0001593075315379743},
    {0.00015800165795941574, 6.007975836318727e-05, 2.7908991402116686e-05, 1.4668174132156171e-05},
    {-1.9584379919245695e-05, -6.434153392214117e-06, -2.6481634539921032e-06, -1.2540062511346949e-06},
    {2.19170442117193e-06, 6.309983230370023e-07, 2.3235953380956804e-07, 9.986711258351467e-08},
    {-2.2295801401927535e-07, -5.694839846106204e-08, -1.8927488746579053e-08, -7.432971568368753e-09},
    {2.0751201944776664e-08, 4.752613714310373e-09, 1.4368146472762878e-09, 5.18680916696493e-10},
    {-1.7776209144962544e-09, -3.6842211855934284e-10, -1.0201485895331051e-10, -3.4037378733308e-11},
    {1.4091987959369116e-10, 2.6640725960603233e-11, 6.797748022000252e-12, 2.1065805062483046e-12},
    {-1.0389013966644357e-11, -1.8039070853275437e-12, -4.264697741592679e-13, -1.2329274141884092e-13},
  },
  {
    /* [3.5, 4.0): center 3.75 */
    {0.1972279285942051, 0.16147843808309062, 0.13748391620019418, 0.12001715605312621},
    {-0.03574949051111447, -0.023994521882896445, -0.017466760147067956, -0.01337336412396117},
    {0.0058774843141090145, 0.003263880867914244, 0.0020466980115533932, 0.0013830858873993593},
    {-0.0008712011487315902, -0.00040572761878695027, -0.00022120404138467798, -0.00013287192582950595},
    {0.00011636838248616001, 4.613089435056807e-05, 2.208302888879301e-05, 1.1877282739822376e-05},
    {-1.4047497627118387e-05, -4.809573092355012e-06, -2.041149229794127e-06, -9.900495521722317e-07},
    {1.5396540891272293e-06, 4.614039770934808e-07, 1.7518327960364917e-07, 7.715104900203604e-08},
    {-1.540357302905355e-07, -4.088867106997595e-08, -1.4004604371659019e-08, -5.635368404106655e-09},
    {1.4143382402569943e-08, 3.3605083372896162e-09, 1.0461544959440455e-09, 3.8686677875479287e-10},
    {-1.198097118364481e-09, -2.571504268161745e-10, -7.325419079880584e-11, -2.5026670815885206e-11},
    {9.409466915483063e-11, 1.838962360173687e-11, 4.822751998292064e-12, 1.5295100860578533e-12},
    {-6.882276868463069e-12, -1.2333519639495277e-12, -2.9938562838492823e-13, -8.852468600483745e-14},
  },
};

/* From x = 4 (and for no number): upwards from libm's expm1. Apart and cold, so
 * that the registers of the fit around it need not be saved for the call. */
static __attribute__((noinline, cold)) double psi_far(double x, double *p0, double pk[4])
{
  double ix = 1.0 / x, ps0 = -expm1(-x);
  pk[0] = 1.0 - ix * ps0;
  pk[1] = 1.0 - 2.0 * ix * pk[0];
  pk[2] = 1.0 - 3.0 * ix * pk[1];
  pk[3] = 1.0 - 4.0 * ix * pk[2];
  *p0 = ps0;
  return 1.0 - ps0;
}

static inline __attribute__((always_inline)) double psi(double x, double *p0, v4d *pk)
{
  if (__builtin_expect(!(x >= 0.0 && x < 4.0), 0)) {
    double far[4], em = psi_far(x, p0, far);
    memcpy(pk, far, sizeof far);
    return em;
  }
  int j = (int)(2.0 * x);
  const v4d *c = psi_taylor[j];
  double t = x - (0.5 * j + 0.25), t2 = t * t, t4 = t2 * t2, t8 = t4 * t4;
  v4d e0 = c[0] + c[1] * t, e1 = c[2] + c[3] * t, e2 = c[4] + c[5] * t, e3 = c[6] + c[7] * t,
      e4 = c[8] + c[9] * t, e5 = c[10] + c[11] * t;
  v4d f0 = e0 + e1 * t2, f1 = e2 + e3 * t2, f2 = e4 + e5 * t2;
  v4d ps = x * ((f0 + f1 * t4) + f2 * t8);
  *pk = ps;
  *p0 = x * (1.0 - ps[0]);
  return 1.0 - *p0;
}

/* The parameters a step needs, from the neuron's. */
typedef struct cpar {
  double itm, icm, ie, ii, te, ti;   /* 1/tau_m, 1/cm, 1/tau_E, 1/tau_I, tau_E, tau_I */
  double c0, cE, cI;                 /* b v_inf = c0 + cE g_e + cI g_i */
} cpar;

static inline cpar cpar_of(const ember_neuron_ctx *ctx)
{
  const double *p = ctx->p;
  cpar q;
  q.itm = p[CE_INV_TAU_M];
  q.icm = p[CE_INV_CM];
  q.ie = p[CE_INV_TAU_E];
  q.ii = p[CE_INV_TAU_I];
  q.te = p[LIF_TAU_SYN_E];
  q.ti = p[LIF_TAU_SYN_I];
  q.c0 = p[LIF_V_REST] * q.itm + (p[LIF_I_OFFSET] + ctx->i_ext) * q.icm;
  q.cE = p[CE_E_REV_E] * q.icm;
  q.cI = p[CE_E_REV_I] * q.icm;
  return q;
}

static inline double vinf_of(const cpar *q, double ge, double gi)
{
  return (q->c0 + q->cE * ge + q->cI * gi) / (q->itm + q->icm * (ge + gi));
}

/* e^x - 1. The exponentials of a step's nodes (a quarter of a step, at most
 * max_step / (4 tau_syn): 1/20 at the defaults and COBA's 5 ms) and most of
 * those inside a step have |x| < 1/4: there the series, cut where the first
 * term left out is below 1e-17 relative (to x^9 below 1/16, to x^13 below
 * 1/4), within 3.3e-16 relative in all (libm: 1.4e-16); libm's expm1
 * elsewhere. By Estrin's scheme, because a Horner chain is as long in latency
 * as libm's whole call (measured: fewer instructions, no faster). */
static inline double em1(double x)
{
  static const double c[14] = {   /* 1 / k! */
    0, 1.0, 1.0 / 2, 1.0 / 6, 1.0 / 24, 1.0 / 120, 1.0 / 720, 1.0 / 5040, 1.0 / 40320,
    1.0 / 362880, 1.0 / 3628800, 1.0 / 39916800, 1.0 / 479001600, 1.0 / 6227020800.0,
  };
  double ax = fabs(x);
  double x2 = x * x, x4 = x2 * x2, x8 = x4 * x4;
  double p1 = c[1] + c[2] * x, p3 = c[3] + c[4] * x, p5 = c[5] + c[6] * x,
         p7 = c[7] + c[8] * x;
  double q1 = p1 + p3 * x2, q5 = p5 + p7 * x2;
  if (ax < 0.0625)
    return x * ((q1 + q5 * x4) + c[9] * x8);
  if (!(ax < 0.25))
    return expm1(x);
  double p9 = c[9] + c[10] * x, p11 = c[11] + c[12] * x;
  double q9 = p9 + p11 * x2 + c[13] * x4;
  return x * ((q1 + q5 * x4) + q9 * x8);
}

/* em1 lane by lane, for |x| < 1/4 in every lane: the same series, its
 * coefficients stored four times over (an operand from memory then needs no
 * broadcast). Vectors go by pointer: GCC warns that passing them by value
 * depends on AVX. */
#define L4(c) {c, c, c, c}
static const v4d em1_c[14] = {
  L4(0), L4(1.0), L4(1.0 / 2), L4(1.0 / 6), L4(1.0 / 24), L4(1.0 / 120), L4(1.0 / 720),
  L4(1.0 / 5040), L4(1.0 / 40320), L4(1.0 / 362880), L4(1.0 / 3628800), L4(1.0 / 39916800),
  L4(1.0 / 479001600), L4(1.0 / 6227020800.0),
};
#undef L4

static inline __attribute__((always_inline)) void em1v(const v4d *xp, v4d *out)
{
  const v4d *c = em1_c, x = *xp;
  v4d x2 = x * x, x4 = x2 * x2, x8 = x4 * x4;
  v4d p1 = c[1] + c[2] * x, p3 = c[3] + c[4] * x, p5 = c[5] + c[6] * x, p7 = c[7] + c[8] * x;
  v4d q1 = p1 + p3 * x2, q5 = p5 + p7 * x2;
  v4d p9 = c[9] + c[10] * x, p11 = c[11] + c[12] * x;
  v4d q9 = p9 + p11 * x2 + c[13] * x4;
  *out = x * ((q1 + q5 * x4) + q9 * x8);
}

/* dE = 1 - e^(-s / tau_E) and dI = 1 - e^(-s / tau_I), one exponential when
 * one time constant is twice the other (COBA: 5 and 10 ms), as
 * 1 - e^(-2y) = d (2 - d) with d = 1 - e^(-y), which keeps its relative
 * accuracy for small d. */
static inline void decays(const double *ie, const double *ii, double s, double *dE, double *dI)
{
  if (*ii == *ie) {
    *dE = *dI = -em1(-s * *ie);
  } else if (*ie == 2.0 * *ii) {
    double d = -em1(-s * *ii);
    *dI = d;
    *dE = d * (2.0 - d);
  } else if (*ii == 2.0 * *ie) {
    double d = -em1(-s * *ie);
    *dE = d;
    *dI = d * (2.0 - d);
  } else {
    *dE = -em1(-s * *ie);
    *dI = -em1(-s * *ii);
  }
}

/* The nodes of a fit: beta, g_e, g_i, v_inf at t = n h / 4, and e^(-B). */
typedef struct nodes {
  double beta[5], ge[5], gi[5], vinf[5], em;
} nodes;

/* 1 - e^(-t_n / tau) at the nodes t_n = n s, n = 1 .. 4, for the rate r = 1/tau. */
static __attribute__((noinline, cold)) void node_decays_far(double x, double f[4])
{
  for (int n = 0; n < 4; n++)
    f[n] = -em1(-(n + 1) * x);
}

static inline __attribute__((always_inline)) void node_decays(double r, double s, v4d *f)
{
  double x = s * r;
  if (__builtin_expect(4.0 * x < 0.25, 1)) {
    v4d mx = -x * NODE;
    em1v(&mx, f);
    *f = -*f;
  } else {
    double far[4];
    node_decays_far(x, far);
    memcpy(f, far, sizeof far);
  }
}

/* Both, with one series when one time constant is twice the other (as decays). */
static inline __attribute__((always_inline)) void node_decays2(double ie, double ii, double s,
                                                               v4d *fE, v4d *fI)
{
  if (ii == ie) {
    node_decays(ie, s, fE);
    *fI = *fE;
  } else if (ie == 2.0 * ii) {
    node_decays(ii, s, fI);
    *fE = *fI * (2.0 - *fI);
  } else if (ii == 2.0 * ie) {
    node_decays(ie, s, fE);
    *fI = *fE * (2.0 - *fE);
  } else {
    node_decays(ie, s, fE);
    node_decays(ii, s, fI);
  }
}

/* One step of length h from the state s (v, g_e, g_i >= 0): the quartic's
 * coefficients and B into co[0 .. 6), the state at h into y, the nodes into nd;
 * returns the error estimate (the quartic minus the cubic at h).
 *
 * The quartic through (0, d0), (x1, d1), .., (1, d4) in Newton's form is
 * sum_j D_j N_j(th), D_j the divided differences, N_0 = 1, N_j = th (th - x1) ..
 * (th - x_(j-1)); v at h is v0 e^(-B) + sum_j D_j I_j with I_j = N_j's monomial
 * coefficients against psi_1 .. psi_4 (I_0 = psi_0). The I_j need only the
 * nodes and B, so they are ready when the divided differences are; the monomial
 * coefficients co (dense output of a LIVE step) are computed beside, off
 * that path, and the error estimate is |D_4 I_4|. The reciprocals of the node
 * spacings are B / (beta_j - beta_i), ready with the v_inf at the nodes. */
static inline __attribute__((always_inline)) double
fit_body(const cpar *q, const double *st, double h, double *co, double *y, nodes *nd)
{
  double v0 = st[CE_V], ge0 = st[CE_GE], gi0 = st[CE_GI], s = 0.25 * h;
  v4d fE, fI;
  node_decays2(q->ie, q->ii, s, &fE, &fI);
  double ae = q->icm * ge0 * q->te, ai = q->icm * gi0 * q->ti, ht = s * q->itm;
  v4d ge = ge0 - ge0 * fE, gi = gi0 - gi0 * fI;
  v4d beta = ht * NODE + ae * fE + ai * fI;
  v4d vi = (q->c0 + q->cE * ge + q->cI * gi) / (q->itm + q->icm * (ge + gi));
  double d0 = vinf_of(q, ge0, gi0);
  double b1 = beta[0], b2 = beta[1], b3 = beta[2], B = beta[3];
  v4d r1 = B / (beta - (v4d){0, b1, b2, b3});        /* r10, r21, r32, r43 */
  v4d r2 = B / (v4d){b2, b3 - b1, B - b2, b3};         /* r20, r31, r42, r30 */
  double r41 = B / (B - b1), iB = 1.0 / B;
  nd->beta[0] = 0, nd->ge[0] = ge0, nd->gi[0] = gi0, nd->vinf[0] = d0;
  memcpy(nd->beta + 1, &beta, sizeof beta);
  memcpy(nd->ge + 1, &ge, sizeof ge);
  memcpy(nd->gi + 1, &gi, sizeof gi);
  memcpy(nd->vinf + 1, &vi, sizeof vi);
  double x1 = b1 * iB, x2 = b2 * iB, x3 = b3 * iB;
  /* Newton's divided differences on 0, x1, x2, x3, 1. */
  double v1 = vi[0], v2 = vi[1], v3 = vi[2], v4 = vi[3];
  double d1 = (v1 - d0) * r1[0], e2 = (v2 - v1) * r1[1], e3 = (v3 - v2) * r1[2],
         e4 = (v4 - v3) * r1[3];
  double d2 = (e2 - d1) * r2[0], f3 = (e3 - e2) * r2[1], f4 = (e4 - e3) * r2[2];
  double d3 = (f3 - d2) * r2[3], g4 = (f4 - f3) * r41;
  double d4 = g4 - d3;   /* / (1 - 0) */
  /* N_4 = th (th - x1)(th - x2)(th - x3) = th^4 + w3 th^3 + w2 th^2 + w1 th. */
  double x12 = x1 * x2, w1 = -x12 * x3, w2 = x12 + x1 * x3 + x2 * x3, w3 = -(x1 + x2 + x3);
  double ps0;
  v4d pk;
  double em = psi(B, &ps0, &pk);
  double ps1 = pk[0], ps2 = pk[1], ps3 = pk[2], ps4 = pk[3];
  double I2 = ps2 - x1 * ps1, I3 = ps3 - (x1 + x2) * ps2 + x12 * ps1;
  double I4 = w1 * ps1 + w2 * ps2 + w3 * ps3 + ps4;
  nd->em = em;
  /* a(th) = d0 + th (d1 + (th - x1)(d2 + (th - x2)(d3 + (th - x3) d4))) */
  double p0 = d3 - x3 * d4, p1 = d4;                                  /* d3 + (th - x3) d4 */
  double s0 = d2 - x2 * p0, s1 = p0 - x2 * p1, s2 = p1;               /* d2 + (th - x2) p */
  co[0] = d0; co[1] = d1 - x1 * s0; co[2] = s0 - x1 * s1; co[3] = s1 - x1 * s2; co[4] = s2;
  co[5] = B;
  y[CE_V] = (v0 * em + d0 * ps0) + ((d1 * ps1 + d2 * I2) + (d3 * I3 + d4 * I4));
  y[CE_GE] = ge[3];
  y[CE_GI] = gi[3];
  return fabs(d4 * I4);
}

/* The fit and the dense output twice: for any x86-64 (a four-double operation
 * as two SSE2 instructions, the vectors through memory: about twice as slow as
 * the AVX2 version) and for AVX2 (one instruction), picked at load time by
 * what the CPU has; EMBER_EXPINT_KERNEL=generic forces the first. Neither uses
 * FMA (target "avx2" alone does not allow contraction), so both give the same
 * bits (tests/test_condexp.c checks it). */
#if defined(__x86_64__) && defined(__GNUC__)
#define EXPINT_AVX2 __attribute__((target("avx2")))
#endif

static int use_avx2;

__attribute__((constructor)) static void pick_fit(void)
{
#ifdef EXPINT_AVX2
  const char *e = getenv("EMBER_EXPINT_KERNEL");
  __builtin_cpu_init();
  use_avx2 = __builtin_cpu_supports("avx2") && !(e && !strcmp(e, "generic"));
#endif
}

static __attribute__((noinline)) double
fit_generic(const cpar *q, const double *st, double h, double *co, double *y, nodes *nd)
{
  return fit_body(q, st, h, co, y, nd);
}

#ifdef EXPINT_AVX2
static __attribute__((noinline)) EXPINT_AVX2 double
fit_avx2(const cpar *q, const double *st, double h, double *co, double *y, nodes *nd)
{
  return fit_body(q, st, h, co, y, nd);
}
#endif

static inline double fit(const cpar *q, const double *st, double h, double *co, double *y, nodes *nd)
{
#ifdef EXPINT_AVX2
  if (use_avx2)
    return fit_avx2(q, st, h, co, y, nd);
#endif
  return fit_generic(q, st, h, co, y, nd);
}

/* The tolerance of a step of length h from v0 with slope dv (half of it, as
 * the Taylor kernel's). */
static inline double half_tol(double atol, double rtol, double v0, double dv, double h)
{
  return 0.5 * (atol + rtol * (fabs(v0) + fabs(dv) * h));
}

static inline double slope0(const cpar *q, const double *st, double vinf0)
{
  return (q->itm + q->icm * (st[CE_GE] + st[CE_GI])) * (vinf0 - st[CE_V]);
}

/* The state at tau of a LAZY step from st: steps of the same control as
 * take_step's, the first one the whole way. */
static void lazy_eval(const cpar *q, double atol, double rtol, const double *st, double tau,
                      double *out)
{
  double s[CE_N_STATE], y[CE_N_STATE], co[6], done = 0, h = tau;
  nodes nd;
  memcpy(s, st, sizeof s);
  for (;;) {
    double rem = tau - done;
    h = dmin(h, rem);
    double e = fit(q, s, h, co, y, &nd);
    double r = e / half_tol(atol, rtol, s[CE_V], slope0(q, s, nd.vinf[0]), h);
    if (r > 1 && h > 16 * DBL_EPSILON * dmax(1.0, tau)) {
      h *= 0.9 / sqrt(sqrt(r));
      continue;
    }
    memcpy(s, y, sizeof s);
    if (h == rem)
      break;
    done += h;
    h *= 2;
  }
  memcpy(out, s, sizeof s);
}

/* v at tau inside a LIVE step: beta(tau) in closed form, then the quartic
 * restricted to [0, beta(tau)] (its coefficients scaled by r^k, r = beta / B)
 * against the exponential. 1 - e^(-x) by em1, so that beta keeps its relative
 * accuracy in short steps. */
static inline __attribute__((always_inline)) void
live_body(const cpar *q, const double *c, double tau, double *out)
{
  double fE, fI;
  decays(&q->ie, &q->ii, tau, &fE, &fI);
  double ge0 = c[CE_GE], gi0 = c[CE_GI];
  double beta = q->itm * tau + q->icm * (ge0 * q->te * fE + gi0 * q->ti * fI);
  double r = beta / c[8], r2 = r * r, ps0;
  v4d pk;
  double em = psi(beta, &ps0, &pk);
  v4d a = (v4d){c[4], c[5], c[6], c[7]} * (v4d){r, r2, r2 * r, r2 * r2} * pk;
  out[CE_V] = (c[CE_V] * em + c[3] * ps0) + ((a[0] + a[1]) + (a[2] + a[3]));
  out[CE_GE] = ge0 * (1.0 - fE);
  out[CE_GI] = gi0 * (1.0 - fI);
}

static __attribute__((noinline)) void
live_generic(const cpar *q, const double *c, double tau, double *out)
{
  live_body(q, c, tau, out);
}

#ifdef EXPINT_AVX2
static __attribute__((noinline)) EXPINT_AVX2 void
live_avx2(const cpar *q, const double *c, double tau, double *out)
{
  live_body(q, c, tau, out);
}
#endif

static void live_eval(const cpar *q, const double *c, double tau, double *out)
{
#ifdef EXPINT_AVX2
  if (use_avx2) {
    live_avx2(q, c, tau, out);
    return;
  }
#endif
  live_generic(q, c, tau, out);
}

void expint_eval(const ember_neuron_ctx *ctx, const double *c, size_t K, double atol, double rtol,
                 double tau, double *out)
{
  if (tau <= 0.0) {
    memcpy(out, c, CE_N_STATE * sizeof *out);
    return;
  }
  cpar q = cpar_of(ctx);
  switch ((int)c[kind_slot(K)]) {
  case LIVE:
    live_eval(&q, c, tau, out);
    break;
  case LAZY:
    lazy_eval(&q, atol, rtol, c, tau, out);
    break;
  case REFR:
    out[CE_V] = c[CE_V];
    out[CE_GE] = c[CE_GE] * exp(-tau * q.ie);
    out[CE_GI] = c[CE_GI] * exp(-tau * q.ii);
    break;
  default:
    taylor_eval(c, CE_N_STATE, K, tau, out);
  }
}

int expint_lazy(const double *c, size_t K) { return c[kind_slot(K)] == LAZY; }

/* ------------------------------------------------------------ the kernel --- */

typedef struct kern {
  taylor *T;
  const ember_model *m;
  size_t K, sv;
  double hmax, root_tol, th;
  int spiking, resets;
  neuron_job *j;
  double *y, *c, *tmp, *f;
  double ta, tb, end;
  cpar q;                  /* of the current step (c0 changes with i_ext at events) */
  nodes nd;                /* of the last LIVE step */
} kern;

#define KN CE_N_STATE
#define KSFX(f) f##_ei

static ember_status fail_step(kern *k, int st, double t, char *msg, size_t len)
{
  snprintf(msg, len, "population '%s' neuron %u: solver expint failed at t = %.9g ms: %s",
           k->j->label, k->j->id, t, st < 0 ? "step size underflow" : "model error");
  return EMBER_ERR_SOLVER;
}

static ember_status check_finite(kern *k, char *msg, size_t len)
{
  size_t i = 0;
  while (i < KN && isfinite(k->y[i]))
    i++;
  if (i == KN)
    return EMBER_OK;
  snprintf(msg, len, "population '%s' neuron %u: state variable '%s' became %g in the step "
           "from t = %.9g ms (last finite state) to t = %.9g ms", k->j->label, k->j->id,
           k->m->state[i].name, k->y[i], k->ta, k->tb);
  return EMBER_ERR_NONFINITE;
}

static void KSFX(eval_at)(const kern *k, double tau, double *out)
{
  if (tau <= 0.0) {
    memcpy(out, k->c, KN * sizeof *out);
    return;
  }
  int lazy = k->c[kind_slot(k->K)] == LAZY;
  if (tau >= k->tb - k->ta && !lazy) {
    memcpy(out, k->y, KN * sizeof *out);
    return;
  }
  expint_eval(&k->j->ctx, k->c, k->K, k->T->atol, k->T->rtol, dmin(tau, k->tb - k->ta), out);
  if (lazy && out == k->y)   /* cut: y is now the state there (collapse follows) */
    k->c[kind_slot(k->K)] = DONE;
}

/* Before the loop takes y as the state at tb: a LAZY step's end is computed
 * only now. */
static void KSFX(sync)(kern *k)
{
  if (k->c[kind_slot(k->K)] == LAZY && k->tb > k->ta) {
    KSFX(eval_at)(k, k->tb - k->ta, k->y);
    k->c[kind_slot(k->K)] = DONE;
  }
}

/* Whether v stays below threshold over [0, H] from c: the bound of live_below
 * over the whole stretch, from the conductances at its ends. */
static int lazy_ok(kern *k, double H)
{
  const cpar *q = &k->q;
  const double *c = k->c;
  double *key = k->T->memo_key, *f = k->T->memo_f;
  if (!(key[0] == H && key[1] == q->ie && key[2] == q->ii)) {
    decays(&q->ie, &q->ii, H, &f[0], &f[1]);
    key[0] = H, key[1] = q->ie, key[2] = q->ii;
  }
  double fE = f[0], fI = f[1];
  double ge0 = c[CE_GE], gi0 = c[CE_GI], ge1 = ge0 - ge0 * fE, gi1 = gi0 - gi0 * fI;
  double S = dmax(dmax(vinf_of(q, ge0, gi0), vinf_of(q, ge1, gi1)),
                  dmax(vinf_of(q, ge0, gi1), vinf_of(q, ge1, gi0)));
  if (S < k->th)
    return 1;
  double B = q->itm * H + q->icm * (ge0 * q->te * fE + gi0 * q->ti * fI);
  return S + (c[CE_V] - S) * exp(-B) < k->th;
}

static inline double live_step(kern *k, double h)
{
  return fit(&k->q, k->c, h, k->c + 3, k->y, &k->nd);
}

/* A Taylor step (negative conductances), as taylor_kernel_body.h's take_step. */
static int taylor_step(kern *k, double *hh)
{
  neuron_job *j = k->j;
  size_t K = k->K, n = KN;
  int st = k->m->taylor(k->y, K, k->c, &j->ctx);
  if (st)
    return st;
  for (;;) {
    double hk = pow(*hh, (double)K), q = 0;
    for (size_t i = 0; i < n; i++) {
      double tol = k->T->atol + k->T->rtol * (fabs(k->c[i]) + fabs(k->c[n + i]) * *hh);
      q = dmax(q, fabs(k->c[K * n + i]) * hk / (0.5 * tol));
    }
    if (!(q > 1) || !isfinite(q))
      break;
    *hh *= 0.9 / pow(q, 1.0 / (double)K);
    if (*hh <= 16 * DBL_EPSILON * dmax(1.0, fabs(k->tb)))
      return -1;
  }
  k->c[kind_slot(K)] = TAYLOR;
  taylor_eval(k->c, CE_N_STATE, K, *hh, k->y);
  return 0;
}

/* One step from tb, ending at lim at the latest. LIVE steps start from the last
 * accepted length doubled (the error grows as about h^5: a rejected length h is
 * replaced by 0.9 h / ratio^(1/4) and tried again). */
static ember_status KSFX(take_step)(kern *k, double lim, char *msg, size_t len)
{
  neuron_job *j = k->j;
  KSFX(sync)(k);
  double t = k->tb, room = lim - t;
  k->ta = t;
  memcpy(k->c, k->y, KN * sizeof *k->c);
  double hh = dmin(room, dmin(2 * *j->h, k->hmax));
  if (j->ctx.refractory) {   /* v clamped, the conductances exact */
    hh = dmin(room, k->hmax);
    k->c[kind_slot(k->K)] = REFR;
    k->y[CE_GE] *= exp(-hh * j->ctx.p[CE_INV_TAU_E]);
    k->y[CE_GI] *= exp(-hh * j->ctx.p[CE_INV_TAU_I]);
  } else if (!(k->c[CE_GE] >= 0 && k->c[CE_GI] >= 0)) {
    int st = taylor_step(k, &hh);
    if (st)
      return fail_step(k, st, t, msg, len);
    if (hh < room)
      *j->h = hh;
  } else {
    k->q = cpar_of(&j->ctx);
    /* A step past the segment's end (the last of an interval) is mostly cut
     * back by the next event: when the bound proves it free of crossings it is
     * left LAZY, and the cut computes the state at the event directly. */
    if (lim > k->end && lazy_ok(k, room)) {
      k->c[kind_slot(k->K)] = LAZY;
      k->tb = lim;
      return EMBER_OK;
    }
    double v0 = k->c[CE_V], atol = k->T->atol, rtol = k->T->rtol;
    for (;;) {
      double e = live_step(k, hh);
      double r = e / half_tol(atol, rtol, v0, slope0(&k->q, k->c, k->nd.vinf[0]), hh);
      if (!(r > 1))
        break;
      hh *= 0.9 / sqrt(sqrt(r));
      if (hh <= 16 * DBL_EPSILON * dmax(1.0, fabs(t)))
        return fail_step(k, -1, t, msg, len);
    }
    k->c[kind_slot(k->K)] = LIVE;
    if (hh < room)
      *j->h = hh;
  }
  k->tb = hh == room ? lim : t + hh;
  return check_finite(k, msg, len);
}

/* g at ta + tau: v minus threshold (which = 0) or its slope. */
static double probe_ei(void *kv, double tau, int which)
{
  kern *k = kv;
  KSFX(eval_at)(k, tau, k->tmp);
  if (which == 0)
    return k->tmp[k->sv] - k->th;
  k->m->rhs(k->ta + tau, k->tmp, k->f, &k->j->ctx);
  return k->f[k->sv];
}

/* The largest v_inf over a stretch where the conductances go from (ea, ia) to
 * (eb, ib): v_inf is linear-fractional in (g_e, g_i) with a positive
 * denominator, and the conductances are monotone, so the supremum is at a
 * corner of the box they sweep. */
static inline double vinf_sup(const cpar *q, double va, double vb, double ea, double ia,
                              double eb, double ib)
{
  return dmax(dmax(va, vb), dmax(vinf_of(q, ea, ib), vinf_of(q, eb, ia)));
}

/* Whether v stays below threshold on the LIVE step just taken, proved rather
 * than estimated. dv/dbeta = v_inf - v with v_inf <= S on a stretch gives
 * v(beta) <= S + (v(beta_0) - S) e^(-(beta - beta_0)): a bound that rises
 * monotonically towards S. First S over the whole step, then, if that is not
 * enough, the bound carried through the four quarters with each its own S (the
 * membrane lags v_inf, so v_inf may touch threshold while v cannot). */
static int live_below(const kern *k)
{
  const cpar *q = &k->q;
  const double *ge = k->nd.ge, *gi = k->nd.gi, *vi = k->nd.vinf, *beta = k->nd.beta;
  double v0 = k->c[CE_V];
  double S = vinf_sup(q, vi[0], vi[4], ge[0], gi[0], ge[4], gi[4]);
  if (S + (v0 - S) * k->nd.em < k->th)
    return 1;
  double u = v0;
#pragma GCC unroll 4
  for (int n = 0; n < 4; n++) {
    S = vinf_sup(q, vi[n], vi[n + 1], ge[n], gi[n], ge[n + 1], gi[n + 1]);
    u = S + (u - S) * exp(beta[n] - beta[n + 1]);
    if (!(u < k->th))
      return 0;
  }
  return 1;
}

/* Offset of an upward threshold crossing inside [ta, tb], or -1. */
static double KSFX(find_crossing)(kern *k)
{
  double len = k->tb - k->ta;
  double ga = k->c[CE_V] - k->th, gb = k->y[CE_V] - k->th;
  if (!(ga < 0))
    return -1;
  if (gb >= 0) {
    /* A crossing after the segment's end is not fired now (the next interval's
     * events may come first and the step is cut back to the end), so where it
     * lies does not matter: one look at the end tells. */
    double te = k->end - k->ta;
    if (te < len) {
      double ge = probe_ei(k, te, 0);
      if (ge < 0)
        return len;
      gb = ge;
      len = te;
    }
    return root_locate(probe_ei, k, 0, ga, len, gb, 0, 1, k->root_tol);
  }
  int kind = (int)k->c[kind_slot(k->K)];
  if (kind == REFR || kind == LAZY)
    return -1;
  if (kind == LIVE && live_below(k))
    return -1;
  if (kind == TAYLOR) {
    double bound = 0, pw = 1;
    for (size_t i = 1; i <= k->K; i++) {
      pw *= len;
      bound += fabs(k->c[i * KN + CE_V]) * pw;
    }
    if (ga + bound < 0)
      return -1;
  }
  double db = probe_ei(k, len, 1);
  if (!(db < 0))
    return -1;
  double da = probe_ei(k, 0, 1);
  if (!(da > 0))
    return -1;
  double tmax = root_locate(probe_ei, k, 0, da, len, db, 1, -1, dmax(k->root_tol, 1e-4 * len));
  double gmax = probe_ei(k, tmax, 0);
  return gmax >= 0 ? root_locate(probe_ei, k, 0, ga, tmax, gmax, 0, 1, k->root_tol) : -1;
}

#define KSYNC(k) KSFX(sync)(k)
#include "event_loop_body.h"

ember_status expint_advance(taylor *T, const ember_model *m, double hmax, double root_tol,
                            double *scratch, neuron_job *job, double t0, double t1,
                            spike_buf *sink, char *msg, size_t msglen)
{
  kern k;   /* field by field: the node arrays need no clearing */
  k.T = T; k.m = m; k.K = T->order; k.sv = m->spike_var;
  k.hmax = hmax; k.root_tol = root_tol; k.th = m->threshold(job->ctx.p);
  k.spiking = 1; k.resets = 1;
  k.j = job; k.y = job->y; k.c = job->y_prev; k.tmp = scratch; k.f = scratch + m->n_state;
  k.ta = *job->t_prev; k.tb = *job->t_cur; k.end = k.tb;
  if (k.ta == k.tb)   /* the state may have been set between runs */
    memcpy(k.c, k.y, KN * sizeof *k.c);
  job->ctx.refractory = k.ta < *job->refr_until;
  ember_status st = run_ei(&k, t0, t1, sink, msg, msglen);
  if (st)
    return st;
  *job->t_prev = k.ta;
  *job->t_cur = k.tb;
  return EMBER_OK;
}
