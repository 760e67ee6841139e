var app = WebApplication.CreateBuilder(args).Build();
app.MapGet("/", () => $"hello from an imgbuild image, {Environment.GetEnvironmentVariable("GREETING_NAME") ?? "stranger"}");
app.Run();
