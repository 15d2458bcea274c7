/* nn.c: a tiny neural network, trained from scratch on a synthetic two-spirals data set.
 * A 2-16-16-1 multilayer perceptron (tanh hidden layers, sigmoid output), full-batch gradient
 * descent with momentum, a deterministic xorshift PRNG: the output is the same on every run.
 * Prints loss and accuracy per epoch, then the learned decision boundary as ASCII art. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N 160   /* training points (two spirals of N/2) */
#define H 12    /* hidden units per layer */
#define EPOCHS 40
#define STEPS 10 /* gradient steps per epoch */

static unsigned long long rng = 0x9E3779B97F4A7C15ull;
static double uniform(void) { /* xorshift64*, in [0, 1) */
  rng ^= rng >> 12; rng ^= rng << 25; rng ^= rng >> 27;
  return (double)((rng * 2685821657736338717ull) >> 11) * (1.0 / 9007199254740992.0);
}
static double gauss(void) { /* Box-Muller */
  double u = uniform() + 1e-12, v = uniform();
  return sqrt(-2.0 * log(u)) * cos(6.283185307179586 * v);
}

static double X[N][2], Y[N];
static double W1[H][2], B1[H], W2[H][H], B2[H], W3[H], B3;
static double gW1[H][2], gB1[H], gW2[H][H], gB2[H], gW3[H], gB3;
static double vW1[H][2], vB1[H], vW2[H][H], vB2[H], vW3[H], vB3;

static double forward(const double *x, double *h1, double *h2) {
  for (int i = 0; i < H; i++) h1[i] = tanh(W1[i][0] * x[0] + W1[i][1] * x[1] + B1[i]);
  for (int i = 0; i < H; i++) {
    double s = B2[i];
    for (int j = 0; j < H; j++) s += W2[i][j] * h1[j];
    h2[i] = tanh(s);
  }
  double z = B3;
  for (int i = 0; i < H; i++) z += W3[i] * h2[i];
  return 1.0 / (1.0 + exp(-z));
}

/* one full-batch step; returns the mean cross-entropy loss and counts correct predictions */
static double step(double lr, double momentum, int *correct) {
  double h1[H], h2[H], d2[H], d1[H], loss = 0;
  memset(gW1, 0, sizeof gW1); memset(gB1, 0, sizeof gB1); memset(gW2, 0, sizeof gW2);
  memset(gB2, 0, sizeof gB2); memset(gW3, 0, sizeof gW3); gB3 = 0;
  *correct = 0;
  for (int n = 0; n < N; n++) {
    double p = forward(X[n], h1, h2), y = Y[n];
    loss -= y * log(p + 1e-12) + (1 - y) * log(1 - p + 1e-12);
    *correct += (p > 0.5) == (y > 0.5);
    double dz = p - y; /* d loss / d logit for sigmoid + cross-entropy */
    gB3 += dz;
    for (int i = 0; i < H; i++) { gW3[i] += dz * h2[i]; d2[i] = dz * W3[i] * (1 - h2[i] * h2[i]); }
    for (int j = 0; j < H; j++) d1[j] = 0;
    for (int i = 0; i < H; i++) {
      gB2[i] += d2[i];
      for (int j = 0; j < H; j++) { gW2[i][j] += d2[i] * h1[j]; d1[j] += d2[i] * W2[i][j]; }
    }
    for (int j = 0; j < H; j++) {
      d1[j] *= 1 - h1[j] * h1[j];
      gB1[j] += d1[j]; gW1[j][0] += d1[j] * X[n][0]; gW1[j][1] += d1[j] * X[n][1];
    }
  }
  double k = lr / N;
#define UPD(w, g, v) (v = momentum * v - k * (g), w += v)
  for (int i = 0; i < H; i++) {
    UPD(W1[i][0], gW1[i][0], vW1[i][0]); UPD(W1[i][1], gW1[i][1], vW1[i][1]); UPD(B1[i], gB1[i], vB1[i]);
    for (int j = 0; j < H; j++) UPD(W2[i][j], gW2[i][j], vW2[i][j]);
    UPD(B2[i], gB2[i], vB2[i]); UPD(W3[i], gW3[i], vW3[i]);
  }
  UPD(B3, gB3, vB3);
  return loss / N;
}

static void bar(double frac, int width) {
  int fill = (int)(frac * width + 0.5);
  for (int i = 0; i < width; i++) fputs(i < fill ? "\u2588" : "\u00b7", stdout);
}

int main(int argc, char **argv) {
  int epochs = argc > 1 ? atoi(argv[1]) : EPOCHS;
  if (epochs <= 0) epochs = EPOCHS;
  for (int n = 0; n < N; n++) { /* two interleaved spirals */
    int c = n & 1;
    double t = 0.25 + 2.6 * (double)(n / 2) / (N / 2), r = t / 2.85;
    double a = t * 3.0 + c * 3.141592653589793;
    X[n][0] = r * cos(a) + 0.02 * gauss();
    X[n][1] = r * sin(a) + 0.02 * gauss();
    Y[n] = c;
  }
  for (int i = 0; i < H; i++) {
    W1[i][0] = gauss() * 1.5; W1[i][1] = gauss() * 1.5; B1[i] = gauss() * 0.1;
    for (int j = 0; j < H; j++) W2[i][j] = gauss() / sqrt(H);
    W3[i] = gauss() / sqrt(H);
  }
  printf("nn: a 2-%d-%d-1 MLP learning two spirals (%d points, %d epochs x %d steps)\n", H, H, N, epochs, STEPS);
  int correct = 0;
  double loss = 0;
  for (int e = 1; e <= epochs; e++) {
    for (int s = 0; s < STEPS; s++) loss = step(0.2, 0.9, &correct);
    double acc = (double)correct / N;
    printf("epoch %3d  loss %.4f  acc %5.1f%%  ", e, loss, 100 * acc);
    bar(acc, 20);
    putchar('\n');
    fflush(stdout);
  }
  /* the decision boundary, points overlaid: o and x are the two classes */
  puts("\nlearned decision boundary (o/x: training points of each class)");
  enum { W = 48, HT = 16 };
  char grid[HT][W];
  for (int r = 0; r < HT; r++)
    for (int c = 0; c < W; c++) {
      double x[2] = { -1.05 + 2.1 * c / (W - 1), 1.05 - 2.1 * r / (HT - 1) }, h1[H], h2[H];
      grid[r][c] = forward(x, h1, h2) > 0.5 ? '1' : '0';
    }
  for (int n = 0; n < N; n++) {
    int c = (int)((X[n][0] + 1.05) / 2.1 * (W - 1) + 0.5), r = (int)((1.05 - X[n][1]) / 2.1 * (HT - 1) + 0.5);
    if (r >= 0 && r < HT && c >= 0 && c < W) grid[r][c] = Y[n] > 0.5 ? 'x' : 'o';
  }
  for (int r = 0; r < HT; r++) {
    fputs("  ", stdout);
    char last = 0;
    for (int c = 0; c < W; c++) {
      char g = grid[r][c];
      if (g != last) { /* colour escapes only where the colour changes */
        fputs(g == '0' ? "\033[48;5;24m" : g == '1' ? "\033[48;5;94m" : g == 'o' ? "\033[48;5;24;1;96m" : "\033[48;5;94;1;93m", stdout);
        last = g;
      }
      putchar(g == 'o' || g == 'x' ? g : ' ');
    }
    fputs("\033[0m\n", stdout);
  }
  printf("final: loss %.4f, accuracy %.1f%%\n", loss, 100.0 * correct / N);
  return 0;
}
