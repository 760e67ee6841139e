#include <stdio.h>

int main(void)
{
    printf("hello from a static binary built with gcc\n");
    return 0;
}
